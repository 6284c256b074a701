import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import {
  DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { resolve } from 'node:path';
import { caPaths } from '../security/ca.js';
import { apiClient, type ApiClientOptions } from './client.js';

type ClientOpts = ApiClientOptions;

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'the service API (default: $CACHEFLEET_ENDPOINT or http://127.0.0.1:4510)')
    .option('-d, --data-dir <dir>', 'find the running service through its data directory (its address, http or https, and its CA)')
    .option('--ca-bundle <file>', 'more CA certificates to verify an https API with (besides the public roots, $AWS_CA_BUNDLE and the service CA of --data-dir)');
}

async function group(o: ClientOpts, id: string): Promise<ReplicationGroup> {
  const out = await apiClient(o).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  const g = out.ReplicationGroups?.[0];
  if (!g) throw new Error(`replication group ${id} not found`);
  return g;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function registerGroupCommands(program: Command): void {
  addClientOptions(program.command('status').description('list replication groups and cache clusters with their status'))
    .action(async (o: ClientOpts) => {
      const client = apiClient(o);
      const groups = (await client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [];
      const clusters = (await client.send(new DescribeCacheClustersCommand({ ShowCacheNodeInfo: true }))).CacheClusters ?? [];
      console.log(groups.length ? table([['REPLICATION GROUP', 'STATUS', 'NODE TYPE', 'MEMBERS', 'ENDPOINT (primary or configuration)'],
        ...groups.map((g) => {
          const ep = g.ConfigurationEndpoint ?? g.NodeGroups?.[0]?.PrimaryEndpoint;
          return [g.ReplicationGroupId ?? '', g.Status ?? '', g.CacheNodeType ?? '', String(g.MemberClusters?.length ?? 0), ep ? `${ep.Address}:${ep.Port}` : ''];
        })]) : 'no replication groups');
      console.log();
      console.log(clusters.length ? table([['CACHE CLUSTER', 'STATUS', 'GROUP', 'ENGINE', 'AZ', 'NODE ENDPOINT'],
        ...clusters.map((c) => {
          const ep = c.CacheNodes?.[0]?.Endpoint;
          return [c.CacheClusterId ?? '', c.CacheClusterStatus ?? '', c.ReplicationGroupId ?? '-', `redis ${c.EngineVersion}`,
            c.PreferredAvailabilityZone ?? '', ep ? `${ep.Address}:${ep.Port}` : ''];
        })]) : 'no cache clusters');
    });

  addClientOptions(program.command('endpoints <group>').description("print a replication group's primary, reader and node endpoints"))
    .option('--json', 'print JSON')
    .action(async (id: string, o: ClientOpts & { json?: boolean }) => {
      const g = await group(o, id);
      const rows: string[][] = [];
      if (g.ConfigurationEndpoint) {
        // Cluster mode: clients discover the shards through the configuration endpoint.
        rows.push(['configuration', `${g.ConfigurationEndpoint.Address}:${g.ConfigurationEndpoint.Port}`]);
        const nodes = (await apiClient(o).send(new DescribeCacheClustersCommand({ ShowCacheNodeInfo: true }))).CacheClusters ?? [];
        for (const ng of g.NodeGroups ?? []) {
          for (const m of ng.NodeGroupMembers ?? []) {
            const ep = nodes.find((c) => c.CacheClusterId === m.CacheClusterId)?.CacheNodes?.[0]?.Endpoint;
            rows.push([`${m.CacheClusterId} (node group ${ng.NodeGroupId}, slots ${ng.Slots}, ${m.PreferredAvailabilityZone})`, `${ep?.Address}:${ep?.Port}`]);
          }
        }
      } else {
        const ng = g.NodeGroups?.[0];
        rows.push(['primary', `${ng?.PrimaryEndpoint?.Address}:${ng?.PrimaryEndpoint?.Port}`],
          ['reader', `${ng?.ReaderEndpoint?.Address}:${ng?.ReaderEndpoint?.Port}`],
          ...(ng?.NodeGroupMembers ?? []).map((m) => [`${m.CacheClusterId} (${m.CurrentRole}, ${m.PreferredAvailabilityZone})`,
            `${m.ReadEndpoint?.Address}:${m.ReadEndpoint?.Port}`]));
      }
      if (o.json) console.log(JSON.stringify(Object.fromEntries(rows), null, 2));
      else console.log(table([['ENDPOINT', 'ADDRESS'], ...rows.map(([a, b]) => [a!, b!])]));
    });

  addClientOptions(program.command('connect <group>').description("open redis-cli on a replication group's primary (or reader) endpoint"))
    .option('--reader', 'connect to the reader endpoint')
    .allowExcessArguments(true)
    .argument('[redis-cli-args...]', 'further arguments for redis-cli (after --)')
    .action(async (id: string, extra: string[], o: ClientOpts & { reader?: boolean }) => {
      const g = await group(o, id);
      const ng = g.NodeGroups?.[0];
      // Cluster mode: redis-cli -c follows MOVED/ASK from the configuration endpoint.
      const ep = g.ConfigurationEndpoint ?? (o.reader ? ng?.ReaderEndpoint : ng?.PrimaryEndpoint);
      if (!ep?.Address) throw new Error(`replication group ${id} has no ${o.reader ? 'reader' : 'primary'} endpoint yet`);
      // TLS in transit: verify the node with the service's CA (the AUTH token, if any, goes after --: -- -a TOKEN).
      const tls = g.TransitEncryptionEnabled ? ['--tls', '--cacert', caPaths(resolve(o.dataDir ?? './data')).certFile] : [];
      const cluster = g.ConfigurationEndpoint ? ['-c'] : [];
      const child = spawn('redis-cli', [...cluster, '-h', ep.Address, '-p', String(ep.Port), ...tls, ...extra], { stdio: 'inherit' });
      child.on('error', (err) => { console.error(`cannot run redis-cli: ${err.message} (apt-get install redis-tools)`); process.exit(1); });
      child.on('exit', (code) => process.exit(code ?? 0));
    });
}
