/**
 * `cachefleet restore`: point-in-time restore from the command line, through the service's API.
 *
 *   cachefleet restore --list orders
 *   cachefleet restore --source-group orders --to-time 2024-01-15T12:00:00Z --target-group orders-back
 *
 * The second creates the new group in the source's shape (restore-shape.ts) with the
 * `cachefleet:restore-*` tags, then follows it until it is available (or restore-failed, with the
 * restore's events). The first asks DescribePointInTimeRestoreWindows, cachefleet's own action
 * (api/model/extensions.json), sent through the SDK's own signing: the SDK has no command for it,
 * so a DescribeReplicationGroups request is rewritten before it is signed, and its answer read raw.
 */
import {
  CreateReplicationGroupCommand, DescribeCacheClustersCommand, DescribeEventsCommand, DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import type { Command } from 'commander';
import { XMLParser } from 'fast-xml-parser';
import { Readable } from 'node:stream';
import { apiClient, type ApiClientOptions } from './client.js';
import { addClientOptions } from './group-commands.js';
import { restoreRequest, type RestoreOverrides } from './restore-shape.js';

interface RestoreOptions extends ApiClientOptions, RestoreOverrides {
  list?: string;
  sourceGroup?: string;
  toTime?: string;
  targetGroup?: string;
  wait: boolean;
  timeout: number;
  json?: boolean;
}

export interface RestoreWindow { from: string; to: string }

/** The restorable stretches of a group's point-in-time archive (DescribePointInTimeRestoreWindows). */
export async function restoreWindows(client: ElastiCacheClient, groupId: string): Promise<{ enabled: boolean; windows: RestoreWindow[] }> {
  const cmd = new DescribeReplicationGroupsCommand({ ReplicationGroupId: groupId });
  let raw = '';
  cmd.middlewareStack.add((next) => async (args) => {
    const req = args.request as { body?: unknown; headers: Record<string, string> };
    req.body = new URLSearchParams({ Action: 'DescribePointInTimeRestoreWindows', Version: '2015-02-02', ReplicationGroupId: groupId }).toString();
    req.headers['content-length'] = String(Buffer.byteLength(req.body as string));
    return next(args);
  }, { step: 'build', priority: 'low', name: 'cachefleetPointInTimeAction' });
  cmd.middlewareStack.add((next) => async (args) => {
    const out = await next(args);
    const res = out.response as { body: Readable };
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(Buffer.from(c as Buffer));
    raw = Buffer.concat(chunks).toString('utf8');
    res.body = Readable.from([Buffer.from(raw)]); // errors are still read by the SDK
    return out;
  }, { step: 'deserialize', priority: 'low', name: 'cachefleetRawAnswer' });
  await client.send(cmd);
  const parsed = new XMLParser({ isArray: (name) => name === 'PointInTimeRestoreWindow' }).parse(raw) as {
    DescribePointInTimeRestoreWindowsResponse?: { DescribePointInTimeRestoreWindowsResult?: {
      PointInTimeRestoreEnabled?: boolean; RestoreWindows?: { PointInTimeRestoreWindow?: Array<{ EarliestRestorableTime: string; LatestRestorableTime: string }> };
    } };
  };
  const result = parsed.DescribePointInTimeRestoreWindowsResponse?.DescribePointInTimeRestoreWindowsResult;
  if (!result) throw new Error(`the service did not answer DescribePointInTimeRestoreWindows (is it a cachefleet service?): ${raw.slice(0, 200)}`);
  return {
    enabled: result.PointInTimeRestoreEnabled === true,
    windows: (result.RestoreWindows?.PointInTimeRestoreWindow ?? []).map((w) => ({ from: w.EarliestRestorableTime, to: w.LatestRestorableTime })),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function list(o: RestoreOptions, groupId: string): Promise<void> {
  const { enabled, windows } = await restoreWindows(apiClient(o), groupId);
  if (o.json) console.log(JSON.stringify({ ReplicationGroupId: groupId, PointInTimeRestoreEnabled: enabled, RestoreWindows: windows }, null, 2));
  else if (!enabled) console.log(`replication group ${groupId} keeps no point-in-time archive: tag it cachefleet:point-in-time-restore=enabled`);
  else if (!windows.length) console.log(`replication group ${groupId} has no restorable time yet (the archive's first base and segment are on their way)`);
  else for (const w of windows) console.log(`${w.from}  to  ${w.to}`);
}

async function restore(o: RestoreOptions): Promise<void> {
  if (!o.sourceGroup || !o.toTime || !o.targetGroup) throw new Error('give --source-group, --to-time and --target-group (or --list <group>)');
  const client = apiClient(o);
  const source = (await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: o.sourceGroup }))).ReplicationGroups?.[0];
  if (!source) throw new Error(`replication group ${o.sourceGroup} not found`);
  const memberId = source.MemberClusters?.[0];
  const member = memberId ? (await client.send(new DescribeCacheClustersCommand({ CacheClusterId: memberId, ShowCacheNodeInfo: true }))).CacheClusters?.[0] : undefined;
  const request = restoreRequest(source, member, o.targetGroup, o.toTime, o);
  await client.send(new CreateReplicationGroupCommand(request));
  console.log(`creating replication group ${o.targetGroup} from the point-in-time archive of ${o.sourceGroup} at ${o.toTime}`);
  if (source.AuthTokenEnabled) console.log('note: the source has an AUTH token, which is never readable: set one on the new group (modify-replication-group --auth-token)');
  if (!o.wait) return;
  const deadline = Date.now() + o.timeout * 1000;
  let last = '';
  for (;;) {
    const g = (await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: o.targetGroup }))).ReplicationGroups?.[0];
    const status = g?.Status ?? 'unknown';
    if (status !== last) console.log(`${new Date().toISOString()}  ${o.targetGroup}: ${status}`);
    last = status;
    if (status === 'available') return;
    if (status === 'restore-failed' || status === 'create-failed') {
      const events = (await client.send(new DescribeEventsCommand({ SourceIdentifier: o.targetGroup, SourceType: 'replication-group', Duration: 60 }))).Events ?? [];
      for (const e of events.slice(0, 5)) console.error(`  ${e.Date?.toISOString()}  ${e.Message}`);
      throw new Error(`replication group ${o.targetGroup} is ${status}`);
    }
    if (Date.now() > deadline) throw new Error(`replication group ${o.targetGroup} is still ${status} after ${o.timeout} s (it goes on; follow it with \`cachefleet status\`)`);
    await sleep(1000);
  }
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${v}`);
  return n;
};

export function registerRestoreCommand(program: Command): void {
  addClientOptions(program.command('restore')
    .description('point-in-time restore: seed a new replication group with another group\'s data as it was at a given second ' +
      '(the source must be tagged cachefleet:point-in-time-restore=enabled), or list the times it can restore to'))
    .option('--list <group>', 'print the stretches of time the group\'s archive can restore to (UTC, both ends included)')
    .option('--source-group <id>', 'the replication group whose archive is replayed')
    .option('--to-time <time>', 'the second to restore to: ISO-8601 UTC (2024-01-15T12:00:00Z) or epoch seconds; writes made in that second are included')
    .option('--target-group <id>', 'the new replication group')
    .option('--cache-node-type <type>', 'the new group\'s node type (default: the source\'s)')
    .option('--num-node-groups <n>', 'cluster mode: shards of the new group (default: the source\'s); keys go to their slot\'s shard', int)
    .option('--replicas-per-node-group <n>', 'replicas per shard (default: the source\'s)', int)
    .option('--cache-parameter-group-name <name>', 'the new group\'s parameter group (default: the source\'s)')
    .option('--description <text>', 'the new group\'s description')
    .option('--no-wait', 'return once the new group is being created, without following it')
    .option('--timeout <seconds>', 'longest to follow the new group before giving up (it goes on)', int, 1800)
    .option('--json', 'with --list: print JSON')
    .addHelpText('after', '\nExamples:\n  cachefleet restore --list orders\n' +
      '  cachefleet restore --source-group orders --to-time 2024-01-15T12:00:00Z --target-group orders-back\n\n' +
      'The same restore with the aws CLI: create-replication-group … --tags Key=cachefleet:restore-source-group,Value=orders ' +
      'Key=cachefleet:restore-to-time,Value=2024-01-15T12:00:00Z')
    .action(async (o: RestoreOptions) => (o.list ? list(o, o.list) : restore(o)));
}
