/**
 * A cluster-mode shard left with no primary, on real redis-server processes. Redis Cluster can end
 * a TAKEOVER that way when the taken-over primary returns: each of the shard's two nodes replicates
 * the other, its slots are served by nobody, and Redis leaves the repair to the administrator
 * (cluster.c). The state is made here directly: both nodes stopped, each one's nodes.conf saying
 * it replicates the other, both restarted on their saved data. The failover machine then repairs
 * it as the sharded controller starts it (shardRepair → `no-primary`), with the real CLUSTER
 * commands, and the shard's slots are given back to it as formation does: every key is kept. Then
 * Redis promotes the other node behind the record's back (CLUSTER FAILOVER sent to it directly):
 * the record follows it (`engine-promoted`) without promoting or pausing anything.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { addSlotsRange, clusterInfo } from '../../src/engine/cluster-admin.js';
import { stepFailover, newFailover, type FailoverDeps } from '../../src/failover/machine.js';
import { adminNodeControl } from '../../src/failover/node-control.js';
import { clusterOps } from '../../src/failover/shard-ops.js';
import { shardRepair } from '../../src/reconciler/shard-rules.js';
import type { CacheClusterRecord, ShardRecord } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster, redisCliCheck, type TestNode } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();
let tc: TestCluster;
let a: TestNode, b: TestNode, c: TestNode;
const KEYS = 200;

/** Rewrites a stopped node's nodes.conf: it replicates `masterId`, which it sees as a primary; neither owns a slot. */
async function replicaOfInFile(node: TestNode, masterId: string): Promise<void> {
  const file = join(tc.provider.paths(node.spec.key).dir, 'nodes.conf');
  const lines = (await readFile(file, 'utf8')).split('\n').map((line) => {
    const f = line.split(' ');
    if (f[0] === node.id) return [f[0], f[1], 'myself,slave', masterId, ...f.slice(4, 8)].join(' ');
    if (f[0] === masterId) return [f[0], f[1], 'master', '-', ...f.slice(4, 8)].join(' ');
    return line;
  });
  await writeFile(file, lines.join('\n'));
}

/** A member's record as the controller observes it. */
async function record(id: string, n: TestNode): Promise<CacheClusterRecord> {
  const o = await adminNodeControl(tc.pool).observe({ nodes: [{ address: n.address, port: n.port }] } as unknown as CacheClusterRecord);
  return {
    id, nodes: [{ id: '0001', address: n.address, port: n.port, observed: { role: o.role, runId: o.runId } }],
  } as unknown as CacheClusterRecord;
}

before(async () => {
  tc = await TestCluster.create(cleanup);
  [a, b, c] = await tc.startNodes(3);
  await tc.meetAll([a, b, c]);
  await tc.formShards([[a, b], [c]], [[[0, 8191]], [[8192, 16383]]]);
  const cc = tc.clusterClient(a);
  cleanup.defer(() => cc.disconnect());
  await Promise.all(Array.from({ length: KEYS }, (_, i) => cc.set(`k${i}`, `v${i}`)));
  assert.equal(Number(await a.client.call('WAIT', 1, 5000)), 1);
});

describe('a shard with no primary', () => {
  it('each of its nodes replicating the other: the primary on record is promoted again, its slots given back, every key kept', async () => {
    const keysOnA = await a.client.dbsize();
    assert.ok(keysOnA > 0 && keysOnA < KEYS, `shard 1 holds part of the keys (${keysOnA})`);
    await Promise.all([a.client.call('SAVE'), b.client.call('SAVE')]);
    await tc.kill(a);
    await tc.kill(b);
    await replicaOfInFile(a, b.id);
    await replicaOfInFile(b, a.id);
    await tc.start(a);
    await tc.start(b);
    await waitFor(async () => (await clusterInfo(c.client)).cluster_slots_assigned === '8192', { timeoutMs: 10_000, what: 'shard 1\'s slots served by nobody' });
    const members = new Map([['g-0001-001', await record('g-0001-001', a)], ['g-0001-002', await record('g-0001-002', b)]]);
    assert.deepEqual([...members.values()].map((m) => m.nodes[0]!.observed!.role), ['replica', 'replica']);
    assert.equal(await a.client.dbsize(), keysOnA, 'each node kept its data');

    const shard: ShardRecord = { primaryClusterId: 'g-0001-001', memberClusters: ['g-0001-001', 'g-0001-002'] };
    const repair = shardRepair(shard, 'node group 0001', members, () => true);
    assert.equal(repair?.reason, 'no-primary');
    shard.failover = newFailover(repair!.reason, repair!.from, new Date(), repair!.to);
    const events = await runRepair(shard, members);
    assert.match(events.at(-1)!, /^Node g-0001-001-0001 is primary again for node group 0001 \(no node was primary, \d+ ms\)$/);

    // Formation then assigns the slots nobody owns to the shard's primary.
    await addSlotsRange(a.client, [[0, 8191]]);
    await tc.waitHealthy([a, b, c]);
    const cc = tc.clusterClient(c);
    const values = await Promise.all(Array.from({ length: KEYS }, (_, i) => cc.get(`k${i}`)));
    cc.disconnect();
    assert.deepEqual(values, Array.from({ length: KEYS }, (_, i) => `v${i}`));
    const check = await redisCliCheck(c);
    assert.equal(check.code, 0, check.output);
  });

  it('another node promoted by Redis itself: the record follows it, nothing promoted or paused, every key served', async () => {
    await tc.gracefulFailover(b);
    await tc.waitHealthy([a, b, c]);
    const members = new Map([['g-0001-001', await record('g-0001-001', a)], ['g-0001-002', await record('g-0001-002', b)]]);
    const shard: ShardRecord = { primaryClusterId: 'g-0001-001', memberClusters: ['g-0001-001', 'g-0001-002'] };
    const repair = shardRepair(shard, 'node group 0001', members, () => true);
    assert.deepEqual([repair?.reason, repair?.from, repair?.to], ['engine-promoted', 'g-0001-001', 'g-0001-002']);
    shard.failover = newFailover(repair!.reason, repair!.from, new Date(), repair!.to);
    const epoch = (await clusterInfo(b.client)).cluster_my_epoch;
    const events = await runRepair(shard, members);
    assert.equal(shard.primaryClusterId, 'g-0001-002');
    assert.match(events.at(-1)!, /^Node g-0001-002-0001 is the primary on record for node group 0001 \(Redis Cluster had promoted it, \d+ ms\)$/);
    assert.equal((await clusterInfo(b.client)).cluster_my_epoch, epoch, 'no second promotion (a TAKEOVER would bump the epoch)');
    await tc.waitHealthy([a, b, c]);
    const cc = tc.clusterClient(c);
    const values = await Promise.all(Array.from({ length: KEYS }, (_, i) => cc.get(`k${i}`)));
    cc.disconnect();
    assert.deepEqual(values, Array.from({ length: KEYS }, (_, i) => `v${i}`));
  });
});

/**
 * Steps the repair as the runner does, pass after pass, until done: a step that meets a node's
 * view not yet caught up (REPLICATE before it has heard of the new primary) throws and runs again.
 * Returns the events it recorded.
 */
async function runRepair(shard: ShardRecord, members: Map<string, CacheClusterRecord>): Promise<string[]> {
  const events: string[] = [];
  const deps: FailoverDeps = {
    nodes: adminNodeControl(tc.pool), ops: clusterOps(tc.pool), logger: silentLogger, now: () => new Date(),
    record: (m) => { events.push(m); }, healthy: () => true, switchEndpoint: async () => {},
    groupId: 'g', shardLabel: 'node group 0001',
  };
  await waitFor(async () => {
    await stepFailover(deps, shard, members).catch(() => undefined);
    return shard.failover === undefined;
  }, { timeoutMs: 10_000, intervalMs: 50, what: 'the repair to finish' });
  return events;
}
