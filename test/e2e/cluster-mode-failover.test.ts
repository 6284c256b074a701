/**
 * Failover of one shard of a cluster mode enabled group, under clients working on keys of every
 * shard: kill -9 of shard 0002's primary fails over that shard alone (the other shards answer
 * throughout), the old primary rejoins as a replica; then TestFailover of shard 0003 gives it a
 * different primary without losing a key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateReplicationGroupCommand, TestFailoverCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { pidGone, useCleanup } from '../helpers/cleanup.js';
import { isRedisServer } from '../helpers/e2e-nodes.js';
import { describeGroup, waitAvailable } from '../helpers/groups.js';
import { startService } from '../helpers/service.js';
import {
  KeyLoop, clusterCheck, clusterClient, clusterNodesAt, groupEvents, initialValue, keyName, keySlot, loadKeys,
  memberEndpoints, memberOfAddress, slotMap, verifyKeys, type Endpoint, type GroupStats,
} from '../helpers/cluster-mode.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'cm-failover';
const KEYS = 20_000;

const cleanup = useCleanup();
const svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
const values: string[] = Array.from({ length: KEYS }, (_, i) => initialValue(i));
let cfg: Endpoint;
let members: Map<string, Endpoint>;
/** Node group id → indexes of the keys whose slot it owns. */
let keysByShard: Map<string, number[]>;

async function nodePid(cacheClusterId: string): Promise<number> {
  return Number((await readFile(join(svc.dataDir, 'nodes', `${cacheClusterId}-0001`, 'redis.pid'), 'utf8')).trim());
}

/**
 * The member of `shard` that CLUSTER NODES, asked through the configuration endpoint, shows as
 * its master (the one serving slots; an old master just demoted can still show as a master
 * without slots for a moment in a third node's view).
 */
async function primaryOfShard(g: ReplicationGroup, shard: string): Promise<string> {
  const ng = g.NodeGroups!.find((x) => x.NodeGroupId === shard)!;
  const ids = ng.NodeGroupMembers!.map((m) => m.CacheClusterId!);
  const view = await clusterNodesAt(cfg);
  const masters = view.filter((n) => n.master && n.slots.length > 0 && !n.flags.includes('fail'))
    .map((n) => memberOfAddress(members, n.address)).filter((id): id is string => !!id && ids.includes(id));
  if (masters.length !== 1) {
    throw new Error(`node group ${shard}: masters ${masters.join(', ') || 'none'}\n${view.map((n) => n.line).join('\n')}`);
  }
  return masters[0]!;
}

/** The member a "Failover to replica node <id>-0001 completed …" event names. */
function promotedBy(message: string): string {
  const m = /^Failover to replica node (\S+)-0001 completed/.exec(message);
  if (!m) throw new Error(`not a failover event: ${message}`);
  return m[1]!;
}

/** CLUSTER NODES as the shard's new primary sees it: `old` is a healthy replica of `now`. */
async function rejoinedAsReplica(old: string, now: string): Promise<boolean> {
  const view = await clusterNodesAt(members.get(now)!);
  const newLine = view.find((n) => n.address === members.get(now)!.address);
  const oldLine = view.find((n) => n.address === members.get(old)!.address);
  return !!newLine && !!oldLine && newLine.master && oldLine.flags.includes('slave') && oldLine.primaryId === newLine.id
    && !oldLine.flags.some((f) => f === 'fail' || f === 'fail?');
}

function describeStats(stats: Map<string, GroupStats>): string {
  return [...stats].map(([shard, s]) => `${shard}: ${s.reads} GET + ${s.writes} SET, ${s.errors} errors, ${s.mismatches} stale/lost, ` +
    `longest gap ${s.maxGapMs} ms`).join('; ');
}

test('3 node groups × 1 replica, keys loaded on every shard', { timeout: 60_000 }, async () => {
  await svc.client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: GROUP, ReplicationGroupDescription: 'failover', CacheNodeType: 'cache.t3.micro',
    NumNodeGroups: 3, ReplicasPerNodeGroup: 1, CacheParameterGroupName: 'default.redis7.cluster.on',
  }));
  const g = await waitAvailable(svc.client, GROUP, 45_000);
  assert.equal(g.ClusterEnabled, true);
  assert.equal(g.MemberClusters!.length, 6);
  cfg = { address: g.ConfigurationEndpoint!.Address!, port: g.ConfigurationEndpoint!.Port! };
  members = await memberEndpoints(svc.client, g);
  const { owners, problems } = slotMap(g);
  assert.deepEqual(problems, []);
  keysByShard = new Map(g.NodeGroups!.map((ng) => [ng.NodeGroupId!, [] as number[]]));
  for (let i = 0; i < KEYS; i++) keysByShard.get(owners[keySlot(keyName(i))]!)!.push(i);
  for (const [shard, keys] of keysByShard) assert.ok(keys.length > KEYS / 4, `${shard} owns ${keys.length} keys`);
  const loader = clusterClient(cleanup, cfg);
  const r = await loadKeys(loader, KEYS);
  assert.equal(r.rejected, 0, r.samples.join('; '));
  loader.disconnect();
});

test('kill -9 of shard 0002\'s primary: 0002 fails over alone, 0001 and 0003 answer throughout, the old primary rejoins as a replica', { timeout: 90_000 }, async () => {
  const g = await describeGroup(svc.client, GROUP);
  const shard2 = g.NodeGroups![1]!;
  assert.equal(shard2.NodeGroupId, '0002');
  const old = await primaryOfShard(g, '0002');
  const replica = shard2.NodeGroupMembers!.map((m) => m.CacheClusterId!).find((id) => id !== old)!;
  const otherPrimaries = { '0001': await primaryOfShard(g, '0001'), '0003': await primaryOfShard(g, '0003') };

  const cluster = clusterClient(cleanup, cfg);
  await cluster.ping();
  const loop = new KeyLoop(cluster, values, keysByShard, 3);
  await waitFor(() => [...loop.stats.values()].every((s) => s.writes > 100), { timeoutMs: 10_000, what: 'the loop to work on every shard' });

  const pid = await nodePid(old);
  assert.ok(await isRedisServer(pid), `${old} runs as pid ${pid}`);
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  // Count only commands sent once the process is really gone (a signal is not delivered at once).
  await waitFor(() => pidGone(pid), { timeoutMs: 5000, intervalMs: 2, what: `pid ${pid} to die` });
  loop.markAt(Date.now());

  const event = await waitFor(async () => (await groupEvents(svc.client, GROUP))
    .find((e) => /^Failover to replica node \S+ completed for node group 0002\b/.test(e.message) && e.date.getTime() >= killedAt - 1000),
  { timeoutMs: 20_000, intervalMs: 100, what: 'the event "Failover to replica node … completed for node group 0002"' });
  assert.match(event.message, new RegExp(`^Failover to replica node ${replica}-0001 completed`), event.message);
  const s2 = loop.stats.get('0002')!;
  await waitFor(() => s2.firstOkAfterMark, { timeoutMs: 10_000, what: 'keys of 0002 to answer again' });
  const resumedMs = s2.firstOkAfterMark! - killedAt;
  console.log(`kill -9 ${old}: ${event.message} (event ${event.date.getTime() - killedAt} ms after the kill); ` +
    `keys of 0002 answer again ${resumedMs} ms after the kill`);

  // Back to available with six members; the old primary is a replica of the new one.
  await waitAvailable(svc.client, GROUP, 30_000, (x) => x.MemberClusters?.length === 6);
  await waitFor(() => rejoinedAsReplica(old, replica), { timeoutMs: 30_000, intervalMs: 200, what: `${old} to rejoin as a replica of ${replica}` })
    .catch(async (e) => { throw new Error(`${(e as Error).message}\n${(await clusterNodesAt(members.get(replica)!)).map((n) => n.line).join('\n')}`); });
  const restarted = await nodePid(old);
  assert.notEqual(restarted, pid, `${old} runs as a new process`);
  // Its nodes.conf still claimed 0002's slots: it came back without them (cluster-config-file.ts).
  assert.ok(svc.logs.some((l) => l.includes(old) && l.includes('starting without the hash slots its nodes.conf claimed')),
    `the service started ${old} without its old slots`);
  assert.ok(await isRedisServer(restarted), `${old} (pid ${restarted}) runs`);
  const after = await describeGroup(svc.client, GROUP);
  assert.equal(after.Status, 'available');
  // Through the configuration endpoint (a third node's view: gossip may take a moment).
  await waitFor(async () => (await primaryOfShard(after, '0002').catch(() => '')) === replica,
    { timeoutMs: 10_000, intervalMs: 100, what: `CLUSTER NODES through the configuration endpoint to show ${replica} as 0002's master` });
  assert.equal(await primaryOfShard(after, '0001'), otherPrimaries['0001'], 'shard 0001 kept its primary');
  assert.equal(await primaryOfShard(after, '0003'), otherPrimaries['0003'], 'shard 0003 kept its primary');
  const check = await waitFor(async () => {
    const c = await clusterCheck(cfg);
    return c.code === 0 && c.allCovered && c.masters === 3 ? c : undefined;
  }, { timeoutMs: 20_000, intervalMs: 500, what: 'redis-cli --cluster check clean with 3 masters' });
  assert.doesNotMatch(check.output, /\[ERR\]|\[WARNING\]/);
  await waitFor(() => s2.writes > 0 && Date.now() - s2.lastOkAt < 200, { what: 'the loop working on 0002' });

  await loop.stop();
  console.log(`loop during the failover: ${describeStats(loop.stats)}`);
  for (const shard of ['0001', '0003']) {
    const s = loop.stats.get(shard)!;
    assert.equal(s.errors, 0, `keys of ${shard} (not failing over) rejected: ${s.errorKinds.join(' | ')}`);
    assert.equal(s.mismatches, 0, `keys of ${shard}: ${s.mismatchSamples.join(' | ')}`);
    assert.ok(s.maxGapMs < 2000, `keys of ${shard} went ${s.maxGapMs} ms without an answer`);
  }
  assert.ok(resumedMs < 5000, `keys of 0002 answered again ${resumedMs} ms after the kill`);

  // Every key exists; values can differ only on 0002 (acknowledged writes its primary had not yet replicated).
  const v = await verifyKeys(cluster, values, loop.alt);
  assert.equal(v.rejected + v.missing, 0, v.samples.join('; '));
  const wrongElsewhere = v.bad.filter((i) => !keysByShard.get('0002')!.includes(i));
  assert.deepEqual(wrongElsewhere.map(keyName), [], v.samples.join('; '));
  console.log(`acknowledged writes to 0002 lost with its primary: ${s2.mismatches} seen by the loop, ${v.bad.length} more found after`);
  // Take the surviving values as the truth from here on.
  const now = await Promise.all(v.bad.map((i) => cluster.get(keyName(i))));
  v.bad.forEach((i, k) => { values[i] = now[k]!; });
  for (const [i, a] of loop.alt) { const cur = await cluster.get(keyName(i)); values[i] = cur ?? a; }
  cluster.disconnect();
});

test('TestFailover on node group 0003: a different primary for that shard, no key lost', { timeout: 60_000 }, async () => {
  const g = await waitAvailable(svc.client, GROUP, 20_000);
  const old = await primaryOfShard(g, '0003');
  const others = { '0001': await primaryOfShard(g, '0001'), '0002': await primaryOfShard(g, '0002') };
  const cluster = clusterClient(cleanup, cfg);
  await cluster.ping();
  const loop = new KeyLoop(cluster, values, keysByShard, 3);
  await waitFor(() => [...loop.stats.values()].every((s) => s.writes > 100), { timeoutMs: 10_000, what: 'the loop to work on every shard' });

  const t0 = Date.now();
  await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: GROUP, NodeGroupId: '0003' }));
  const event = await waitFor(async () => (await groupEvents(svc.client, GROUP))
    .find((e) => /^Failover to replica node \S+ completed for node group 0003\b/.test(e.message) && e.date.getTime() >= t0 - 1000),
  { timeoutMs: 20_000, intervalMs: 100, what: 'the event "Failover to replica node … completed for node group 0003"' });
  const now = promotedBy(event.message);
  assert.notEqual(now, old, 'shard 0003 has a different primary');
  const after = await waitAvailable(svc.client, GROUP, 20_000, (x) => x.MemberClusters?.length === 6);
  const availableAt = Date.now();
  // What a client asking right when the group is available again sees.
  const viewAtAvailable = await clusterNodesAt(cfg);
  await waitFor(() => rejoinedAsReplica(old, now), { timeoutMs: 20_000, intervalMs: 50, what: `${old} to be a replica of ${now}` });
  await waitFor(async () => (await primaryOfShard(after, '0003').catch(() => '')) === now,
    { timeoutMs: 20_000, intervalMs: 50, what: `CLUSTER NODES through the configuration endpoint to show ${now} as 0003's master` });
  console.log(`TestFailover 0003: the views agree ${Date.now() - availableAt} ms after the group showed available; ` +
    `CLUSTER NODES then:\n${viewAtAvailable.map((n) => `  ${memberOfAddress(members, n.address)} ${n.flags.join(',')} ${n.slots.join(',')}`).join('\n')}`);
  assert.equal(await primaryOfShard(after, '0001'), others['0001']);
  assert.equal(await primaryOfShard(after, '0002'), others['0002']);
  const s3 = loop.stats.get('0003')!;
  await waitFor(() => Date.now() - s3.lastOkAt < 200 && s3.writes > 0, { what: 'the loop working on 0003' });
  await loop.stop();
  console.log(`TestFailover 0003: ${event.message} (${event.date.getTime() - t0} ms after the call); loop: ${describeStats(loop.stats)}`);

  for (const [shard, s] of loop.stats) {
    assert.equal(s.mismatches, 0, `keys of ${shard}: stale or lost reads ${s.mismatchSamples.join(' | ')}`);
    if (shard !== '0003') assert.equal(s.errors, 0, `keys of ${shard} rejected: ${s.errorKinds.join(' | ')}`);
  }
  const v = await verifyKeys(cluster, values, loop.alt);
  assert.equal(v.rejected, 0, v.samples.join('; '));
  assert.equal(v.missing + v.wrong, 0, `keys lost in a planned failover: ${v.samples.join('; ')}`);
  const check = await waitFor(async () => {
    const c = await clusterCheck(cfg);
    return c.code === 0 && c.allCovered && c.masters === 3 ? c : undefined;
  }, { timeoutMs: 20_000, intervalMs: 500, what: 'redis-cli --cluster check clean with 3 masters' });
  assert.equal(check.keys, KEYS, 'redis-cli --cluster check counts every key once');
  cluster.disconnect();
});
