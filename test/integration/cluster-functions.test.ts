/**
 * Cluster formation keeps the Redis Functions libraries of every primary alike (shard-functions.ts),
 * on a real 2-shard cluster: a library loaded while a new shard is being added, after the pass that
 * copied the libraries to it and once it owns a few slots already (so neither the endpoint's fan-out
 * nor that first copy reached it), is on the new shard before its next slot moves; a library
 * deleted on the reference alone is deleted everywhere in a serverless cache's group.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { clusterNodes } from '../../src/engine/cluster-admin.js';
import { ClusterFormation, type FormationResult } from '../../src/reconciler/cluster-formation.js';
import type { ReconcilerDeps } from '../../src/reconciler/deps.js';
import type { CacheClusterRecord, ReplicationGroupRecord } from '../../src/store/index.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster, type TestNode } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();
const GROUP = 'serverless--fnsync';
const LIBRARY = `#!lua name=kv
redis.register_function('kv_get', function(keys) return redis.call('GET', keys[1]) end)`;

let tc: TestCluster;
let p1: TestNode, p2: TestNode;
const logs: string[] = [];

const member = (id: string, n: TestNode) => ({ id, nodes: [{ address: n.address, port: n.port, observed: { runId: String(n.pid) } }] }) as unknown as CacheClusterRecord;
let clusters: Map<string, CacheClusterRecord>;
const group = {
  id: GROUP, status: 'available', memberClusters: [`${GROUP}-0001-001`, `${GROUP}-0002-001`],
  resharding: { startedAt: new Date().toISOString(), totalSlots: 8192, removing: [] },
  nodeGroups: [
    { id: '0001', slots: '0-8191', primaryClusterId: `${GROUP}-0001-001`, memberClusters: [`${GROUP}-0001-001`] },
    { id: '0002', slots: '8192-16383', primaryClusterId: `${GROUP}-0002-001`, memberClusters: [`${GROUP}-0002-001`] },
  ],
} as unknown as ReplicationGroupRecord;

function formation(migrationBudgetMs: number): ClusterFormation {
  const log = (o: object | string, msg?: string) => logs.push(`${msg ?? ''} ${JSON.stringify(o)}`);
  const d = { admin: tc.pool, logger: { info: log, warn: log, error: log, debug: () => {} } } as unknown as ReconcilerDeps;
  return new ClusterFormation(d, migrationBudgetMs);
}

const libraries = async (n: TestNode) => (await n.client.call('FUNCTION', 'LIST') as unknown[][]).map((l) => String(l[1]));
const slotsOf = async (n: TestNode) => (await clusterNodes(p1.client)).find((x) => x.id === n.id)!.slots;

before(async () => {
  tc = await TestCluster.create(cleanup, 'cachefleet-fnsync-');
  [p1, p2] = await tc.startNodes(2);
  await tc.meetAll([p1, p2]);
  await tc.formShards([[p1]], [[[0, 16383]]]);
  clusters = new Map([[`${GROUP}-0001-001`, member(`${GROUP}-0001-001`, p1)], [`${GROUP}-0002-001`, member(`${GROUP}-0002-001`, p2)]]);
});

describe('Functions libraries kept alike by cluster formation (real nodes)', { timeout: 60_000 }, () => {
  it('a library loaded on the old primary once the new shard owns a few slots is on the new shard before its next slot moves', async () => {
    // A pass with a short migration budget (8192 slots take seconds): the libraries (none yet)
    // compared, a first batch of slots moved (up to 32 begun at once, within the budget).
    const first = await formation(50).step(group, clusters);
    assert.ok(first.slotsMoved > 0 && first.pendingMoves > 0, `a first batch only: ${JSON.stringify(first)}`);
    const owned = await slotsOf(p2);
    assert.ok(owned.length > 0);
    // FUNCTION LOAD as the endpoint's fan-out sends it with a slot map that does not show p2 yet.
    assert.equal(await p1.client.call('FUNCTION', 'LOAD', LIBRARY), 'kv');

    const f = formation(50);
    const second = await f.step(group, clusters);
    assert.equal(second.waiting, undefined);
    assert.ok(second.slotsMoved > 0, 'more slots moved to the new shard this pass');
    assert.deepEqual(await libraries(p2), ['kv'], 'the new shard got the library before those slots moved');
    assert.ok(logs.some((l) => /Functions copied to a new shard before it is given slots/.test(l) && l.includes(GROUP)));

    // The reshard runs to its end; FCALL on a key of the new shard's slots runs there.
    let r: FormationResult | undefined;
    const deadline = Date.now() + 30_000;
    while (!(r = await f.step(group, clusters)).settled) assert.ok(Date.now() < deadline, `formation did not settle: ${JSON.stringify(r)}`);
    let key = '';
    for (let i = 0; !key; i++) if (Number(await p1.client.call('CLUSTER', 'KEYSLOT', `k${i}`)) >= 8192) key = `k${i}`;
    assert.equal(await p2.client.set(key, 'v'), 'OK');
    assert.equal(await p2.client.call('FCALL', 'kv_get', '1', key), 'v');
  });

  it("at rest, a serverless cache's primaries end with exactly the reference's libraries, after a second look", async () => {
    const f = formation(2000);
    await p2.client.call('FUNCTION', 'LOAD', LIBRARY.replace('name=kv', 'name=stray').replace("'kv_get'", "'stray_get'"));
    await p1.client.call('FUNCTION', 'DELETE', 'kv');
    await p1.client.call('FUNCTION', 'LOAD', LIBRARY.replace('name=kv', 'name=kv2').replace("'kv_get'", "'kv2_get'"));
    await f.step(group, clusters);
    assert.deepEqual((await libraries(p2)).sort(), ['kv', 'stray'], 'a first sighting: nothing done (a fan-out may be half-way)');
    await f.step(group, clusters);
    assert.deepEqual(await libraries(p2), ['kv2'], 'the same difference seen again: mirrored');
  });
});
