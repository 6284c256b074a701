import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DescribeCacheClustersCommand, DescribeReplicationGroupsCommand,
  type CacheCluster, type ElastiCacheClient, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { parseInfo } from '../engine/info.js';
import { withNodeConnection, type AdminConnectionOptions } from '../engine/connect.js';
import { readServerFile } from '../service/data-dir.js';
import { caPaths } from '../security/ca.js';
import { ADMIN_USER, adminSecretPath } from '../security/node-security.js';
import { apiClient } from './client.js';

/**
 * Fault injection against a running service, to watch it heal: `chaos az-outage` kills every
 * cache node of an availability zone at once (as losing the zone would), `chaos kill-node` one
 * node. The nodes are found through the API and each pid is asked of the node itself
 * (INFO server → process_id), so only processes that answered as those nodes are killed.
 */

interface ChaosOptions {
  endpointUrl?: string;
  dataDir?: string;
  caBundle?: string;
  wait: boolean;
  timeout: number;
}

/** A cache node about to be killed. */
interface Victim {
  clusterId: string;
  nodeId: string;
  address: string;
  port: number;
  az: string;
  groupId?: string;
  pid?: number;
  /** Why it is not killed (not answering, not a local process, …). */
  skipped?: string;
}

interface Probe {
  pid: number;
  role: 'primary' | 'replica';
  linkUp: boolean;
  tcpPort: number;
}

const POLL_MS = 200;

const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number of seconds: ${v}`);
  return n;
};

function addOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', 'the service API (default: $CACHEFLEET_ENDPOINT or http://127.0.0.1:4510)')
    .option('-d, --data-dir <dir>', 'find the running service through its data directory (its address, http or https, and its CA)')
    .option('--ca-bundle <file>', 'more CA certificates to verify an https API with (besides the public roots, $AWS_CA_BUNDLE and the service CA of --data-dir)')
    .option('--no-wait', 'exit right after the kill instead of waiting for recovery')
    .option('--timeout <seconds>', 'give up waiting for recovery after this long (exit status 1)', seconds, 120);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/**
 * How to reach nodes with TLS in transit or an AUTH token: the service's admin user and CA, read
 * from its data directory (--data-dir, else ./data) when this machine has it.
 */
let nodeAccess: { password: string; ca?: string } | undefined;
/** The service's management address (server.json): the source every security-group filter admits. */
let managementAddress: string | undefined;

function loadNodeAccess(dataDir: string | undefined): void {
  const dir = resolve(dataDir ?? './data');
  managementAddress = readServerFile(dir)?.managementAddress;
  try {
    const password = readFileSync(adminSecretPath(dir), 'utf8').trim();
    let ca: string | undefined;
    try { ca = readFileSync(caPaths(dir).certFile, 'utf8'); } catch { /* no TLS node yet */ }
    nodeAccess = { password, ...(ca ? { ca } : {}) };
  } catch {
    nodeAccess = undefined; // not the service's machine, or another data dir: plaintext nodes only
  }
}

/** A node's pid, role and link: asked plainly, else (TLS, AUTH token) as the service's admin user. */
async function probe(address: string, port: number): Promise<Probe | undefined> {
  const plain = await probeWith(address, port, {});
  if (plain || !nodeAccess) return plain;
  const auth = { username: ADMIN_USER, password: nodeAccess.password };
  return (nodeAccess.ca ? await probeWith(address, port, { auth, tls: { ca: nodeAccess.ca } }) : undefined)
    ?? probeWith(address, port, { auth });
}

/** One short-lived connection to a node: its pid, role and link, or undefined when it does not answer. */
async function probeWith(address: string, port: number, access: AdminConnectionOptions): Promise<Probe | undefined> {
  try {
    return await withNodeConnection(address, port, { ...access, ...(managementAddress ? { localAddress: managementAddress } : {}) },
      async (client): Promise<Probe | undefined> => {
        const fields = { ...parseInfo(String(await client.call('INFO', 'server'))), ...parseInfo(String(await client.call('INFO', 'replication'))) };
        const pid = Number(fields['process_id']);
        if (!Number.isInteger(pid) || pid <= 0) return undefined;
        return {
          pid,
          role: fields['role'] === 'master' ? 'primary' : 'replica',
          linkUp: fields['master_link_status'] === 'up',
          tcpPort: Number(fields['tcp_port']),
        };
      });
  } catch {
    return undefined;
  }
}

/**
 * Why `pid` must not be killed as the node at address:port, or undefined when it may: it must be
 * a process of this host, and (on Linux) its title must name that listen address (cache nodes
 * run with a proc title of "redis-server <address>:<port> …").
 */
async function refuse(pid: number, address: string, port: number): Promise<string | undefined> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' ? `pid ${pid} is not a process of this host` : `cannot signal pid ${pid}: ${(e as Error).message}`;
  }
  if (process.platform !== 'linux') return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').then((s) => s.replace(/\0/g, ' ')).catch(() => undefined);
  if (cmdline === undefined) return `pid ${pid} is not a process of this host`;
  if (!cmdline.includes(`${address}:${port}`)) return `pid ${pid} is not the redis-server listening on ${address}:${port} (${cmdline.trim()})`;
  return undefined;
}

async function allClusters(client: ElastiCacheClient): Promise<CacheCluster[]> {
  const out: CacheCluster[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new DescribeCacheClustersCommand({ ShowCacheNodeInfo: true, Marker: marker }));
    out.push(...(page.CacheClusters ?? []));
    marker = page.Marker;
  } while (marker);
  return out;
}

async function describeGroup(client: ElastiCacheClient, id: string): Promise<ReplicationGroup | undefined> {
  const out = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return out.ReplicationGroups?.[0];
}

const primaryOf = (g: ReplicationGroup | undefined) =>
  g?.NodeGroups?.[0]?.NodeGroupMembers?.find((m) => m.CurrentRole === 'primary')?.CacheClusterId;

function victimsOf(clusters: CacheCluster[], keep: (c: CacheCluster, az: string) => boolean): Victim[] {
  const out: Victim[] = [];
  for (const c of clusters) {
    if (c.CacheClusterStatus === 'deleting' || c.CacheClusterStatus === 'deleted') continue;
    for (const n of c.CacheNodes ?? []) {
      const az = n.CustomerAvailabilityZone ?? c.PreferredAvailabilityZone ?? '';
      if (!n.Endpoint?.Address || !n.Endpoint.Port || !keep(c, az)) continue;
      out.push({
        clusterId: c.CacheClusterId!, nodeId: n.CacheNodeId ?? '0001', address: n.Endpoint.Address, port: n.Endpoint.Port, az,
        ...(c.ReplicationGroupId ? { groupId: c.ReplicationGroupId } : {}),
      });
    }
  }
  return out;
}

/** Asks every victim for its pid, then SIGKILLs all verified pids back to back. Returns when they were killed. */
async function killAll(victims: Victim[]): Promise<number> {
  await Promise.all(victims.map(async (v) => {
    const p = await probe(v.address, v.port);
    if (!p) { v.skipped = 'not answering (already down?)'; return; }
    if (p.tcpPort && p.tcpPort !== v.port) { v.skipped = `answered on port ${p.tcpPort}, not ${v.port}`; return; }
    const why = await refuse(p.pid, v.address, v.port);
    if (why) { v.skipped = why; return; }
    v.pid = p.pid;
  }));
  const killedAt = performance.now();
  for (const v of victims) {
    if (v.pid === undefined) continue;
    try {
      process.kill(v.pid, 'SIGKILL');
    } catch (e) {
      v.skipped = `kill failed: ${(e as Error).message}`;
      delete v.pid;
    }
  }
  return killedAt;
}

function report(victims: Victim[], what: string): void {
  const killed = victims.filter((v) => v.pid !== undefined);
  console.log(`killed ${killed.length} cache node${killed.length === 1 ? '' : 's'} ${what} (SIGKILL):`);
  if (killed.length) {
    console.log(table([['CACHE CLUSTER', 'NODE', 'ADDRESS', 'AZ', 'GROUP', 'PID'],
      ...killed.map((v) => [v.clusterId, v.nodeId, `${v.address}:${v.port}`, v.az, v.groupId ?? '-', String(v.pid)])]));
  }
  for (const v of victims.filter((x) => x.skipped)) console.log(`skipped ${v.clusterId} node ${v.nodeId} (${v.address}:${v.port}): ${v.skipped}`);
}

/** A group has recovered when it is available, every member is, and every member's node answers in its role with its link up. */
async function groupRecovered(client: ElastiCacheClient, id: string): Promise<ReplicationGroup | undefined> {
  const g = await describeGroup(client, id);
  if (!g || g.Status !== 'available') return undefined;
  const members = g.NodeGroups?.[0]?.NodeGroupMembers ?? [];
  if (members.length !== (g.MemberClusters?.length ?? 0)) return undefined;
  const clusters = (await allClusters(client)).filter((c) => c.ReplicationGroupId === id);
  if (clusters.length !== members.length || clusters.some((c) => c.CacheClusterStatus !== 'available')) return undefined;
  const probes = await Promise.all(members.map((m) => (m.ReadEndpoint?.Address && m.ReadEndpoint.Port
    ? probe(m.ReadEndpoint.Address, m.ReadEndpoint.Port) : Promise.resolve(undefined))));
  const ok = members.every((m, i) => {
    const p = probes[i];
    return p && p.role === m.CurrentRole && (p.role === 'primary' || p.linkUp);
  });
  return ok && probes.filter((p) => p?.role === 'primary').length === 1 ? g : undefined;
}

async function clusterRecovered(client: ElastiCacheClient, id: string): Promise<boolean> {
  const c = (await client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }))).CacheClusters?.[0];
  if (!c || c.CacheClusterStatus !== 'available') return false;
  const probes = await Promise.all((c.CacheNodes ?? []).map((n) => probe(n.Endpoint!.Address!, n.Endpoint!.Port!)));
  return probes.length > 0 && probes.every((p) => p !== undefined);
}

/**
 * Polls the affected replication groups (and standalone clusters) every 200 ms until each has
 * recovered, printing how long each took and, for groups, the primary now serving.
 */
async function waitForRecovery(client: ElastiCacheClient, victims: Victim[], primariesBefore: Map<string, string | undefined>,
  killedAt: number, timeoutS: number): Promise<void> {
  const killed = victims.filter((v) => v.pid !== undefined);
  const groups = new Set(killed.flatMap((v) => (v.groupId ? [v.groupId] : [])));
  const standalone = new Set(killed.filter((v) => !v.groupId).map((v) => v.clusterId));
  if (groups.size + standalone.size === 0) return;
  console.log(`waiting for ${[...groups, ...standalone].join(', ')} to recover (timeout ${timeoutS} s)…`);
  const deadline = killedAt + timeoutS * 1000;
  while (groups.size + standalone.size > 0) {
    for (const id of [...groups]) {
      const g = await groupRecovered(client, id).catch(() => undefined);
      if (!g) continue;
      groups.delete(id);
      const before = primariesBefore.get(id);
      const now = primaryOf(g);
      console.log(`${id}: recovered in ${Math.round(performance.now() - killedAt)} ms; primary ${now ?? '?'}` +
        (before && now !== before ? ` (was ${before}: failed over)` : before ? ' (unchanged)' : ''));
    }
    for (const id of [...standalone]) {
      if (!(await clusterRecovered(client, id).catch(() => false))) continue;
      standalone.delete(id);
      console.log(`${id}: recovered in ${Math.round(performance.now() - killedAt)} ms`);
    }
    if (groups.size + standalone.size === 0) break;
    if (performance.now() > deadline) {
      throw new Error(`${[...groups, ...standalone].join(', ')} did not recover within ${timeoutS} s`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function run(o: ChaosOptions, what: string,
  pick: (clusters: CacheCluster[], client: ElastiCacheClient) => Victim[] | Promise<Victim[]>): Promise<void> {
  const client = apiClient(o);
  loadNodeAccess(o.dataDir);
  try {
    const victims = await pick(await allClusters(client), client);
    if (victims.length === 0) throw new Error(`no cache nodes ${what}`);
    const groupIds = [...new Set(victims.flatMap((v) => (v.groupId ? [v.groupId] : [])))];
    const primariesBefore = new Map(await Promise.all(groupIds.map(async (id) => [id, primaryOf(await describeGroup(client, id))] as const)));
    const killedAt = await killAll(victims);
    report(victims, what);
    if (!victims.some((v) => v.pid !== undefined)) throw new Error('no cache node could be killed');
    if (o.wait) await waitForRecovery(client, victims, primariesBefore, killedAt, o.timeout);
  } finally {
    client.destroy();
  }
}

export function registerChaosCommands(program: Command): void {
  const chaos = program.command('chaos')
    .description('inject failures into a running service and watch it recover (kills cache node processes with SIGKILL)')
    .addHelpText('after', '\nThe nodes are found through the API; each node is asked for its own pid (INFO server),\n' +
      'so only local redis-server processes that answered as those nodes are killed.');

  addOptions(chaos.command('az-outage <az>')
    .description('simulate the loss of an availability zone: kill -9 every cache node in <az> at once, ' +
      'then wait until the affected replication groups are available again'))
    .option('-g, --group <id>', 'only nodes of this replication group')
    .addHelpText('after', '\nExample:\n  cachefleet chaos az-outage us-east-1a --group orders --endpoint-url http://127.0.0.1:4510\n\n' +
      'A group counts as recovered when it is available, every member cluster is available, and every\n' +
      'member node answers in its role (replicas with their link up). With automatic failover enabled,\n' +
      'a lost primary is replaced by a replica; the new primary is printed.')
    .action(async (az: string, o: ChaosOptions & { group?: string }) => {
      const group = o.group?.toLowerCase();
      await run(o, `in ${az}${group ? ` of ${group}` : ''}`, async (clusters, client) => {
        // An unknown group fails here with the API's ReplicationGroupNotFound message.
        if (group && !(await describeGroup(client, group))) throw new Error(`replication group ${o.group} not found`);
        return victimsOf(clusters, (c, nodeAz) => nodeAz === az && (!group || c.ReplicationGroupId === group));
      });
    });

  addOptions(chaos.command('kill-node <cacheClusterId>')
    .description("kill -9 one cache cluster's node, then wait until it (and its replication group) has recovered"))
    .addHelpText('after', '\nExample:\n  cachefleet chaos kill-node orders-002 --endpoint-url http://127.0.0.1:4510')
    .action(async (id: string, o: ChaosOptions) => {
      const cid = id.toLowerCase();
      await run(o, `of cache cluster ${cid}`, (clusters) => {
        if (!clusters.some((c) => c.CacheClusterId === cid)) throw new Error(`cache cluster ${id} not found`);
        return victimsOf(clusters, (c) => c.CacheClusterId === cid);
      });
    });
}
