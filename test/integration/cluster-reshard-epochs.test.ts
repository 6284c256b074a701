/**
 * Resharding 2 → 3 shards of contiguous slots on real Redis 7.0 nodes (a primary and a replica a
 * shard): shard 0002 gives its upper slots to the new shard 0003 and takes slots from 0001, the one
 * layout where a node both gives and takes. Without the rule of slot-views.ts (no slot moves into
 * a node some node still sees as the owner of a slot it gave away), its epoch bumps turned stale
 * views into UPDATE messages: the new owner gave the slot back and deleted its keys, and the two
 * owners sent clients to each other. A key in every one of the 16,384 slots: each must be there
 * afterwards, and every node must name the same owner for every slot.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterInfo, clusterNodes } from '../../src/engine/cluster-admin.js';
import { ClusterFormation, type FormationResult } from '../../src/reconciler/cluster-formation.js';
import type { ReconcilerDeps } from '../../src/reconciler/deps.js';
import { ownership } from '../../src/reconciler/slot-views.js';
import type { CacheClusterRecord, ReplicationGroupRecord } from '../../src/store/index.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster, keyPerSlot, type TestNode } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();
const GROUP = 'epochs';

describe('resharding 2 → 3 shards keeps every key (real nodes, Redis 7.0 epochs)', { timeout: 120_000 }, () => {
  it('a node that both gives and takes slots takes them only once every node sees what it gave', async () => {
    const tc = await TestCluster.create(cleanup, 'cachefleet-epochs-');
    const nodes = await tc.startNodes(6);
    const [p1, p2, p3, r1, r2, r3] = nodes as [TestNode, TestNode, TestNode, TestNode, TestNode, TestNode];
    await tc.meetAll(nodes, 'mesh');
    await tc.waitKnown(nodes, 6);
    await tc.formShards([[p1, r1], [p2, r2]], [[[0, 8191]], [[8192, 16383]]]);

    const keys = keyPerSlot();
    const ownerOf = (slot: number) => (slot <= 8191 ? p1 : p2);
    for (const p of [p1, p2]) {
      const batch = p.client.pipeline();
      keys.forEach((k, slot) => { if (ownerOf(slot) === p) batch.set(k, String(slot)); });
      await batch.exec();
    }

    const id = (shard: string, n: number) => `${GROUP}-${shard}-00${n}`;
    const placed: [string, TestNode][] = [
      [id('0001', 1), p1], [id('0001', 2), r1], [id('0002', 1), p2], [id('0002', 2), r2], [id('0003', 1), p3], [id('0003', 2), r3],
    ];
    const clusters = new Map(placed.map(([cid, n]) => [cid, { id: cid, nodes: [{ address: n.address, port: n.port, observed: { runId: String(n.pid), linkUp: true } }] } as unknown as CacheClusterRecord]));
    const shard = (ng: string, slots: string) => ({ id: ng, slots, primaryClusterId: id(ng, 1), memberClusters: [id(ng, 1), id(ng, 2)] });
    const group = {
      id: GROUP, status: 'modifying', clusterEnabled: true, memberClusters: placed.map(([cid]) => cid),
      resharding: { startedAt: new Date().toISOString(), totalSlots: 8192, removing: [] },
      nodeGroups: [shard('0001', '0-5461'), shard('0002', '5462-10922'), shard('0003', '10923-16383')],
    } as unknown as ReplicationGroupRecord;
    const logs: string[] = [];
    const log = (o: object | string, msg?: string) => logs.push(`${msg ?? ''} ${JSON.stringify(o)}`);
    const formation = new ClusterFormation({ admin: tc.pool, logger: { info: log, warn: log, error: log, debug: log } } as unknown as ReconcilerDeps, 500);

    let r: FormationResult;
    let moved = 0;
    const deadline = Date.now() + 90_000;
    while (!(r = await formation.step(group, clusters)).settled) {
      moved += r.slotsMoved;
      assert.ok(Date.now() < deadline, `formation did not settle: ${JSON.stringify(r)}\n${logs.slice(-10).join('\n')}`);
    }
    moved += r.slotsMoved;
    assert.equal(moved, 2730 + 5461, 'every slot moved once');

    // Every node names the record's owner for every slot.
    const want = ownership(await clusterNodes(p1.client));
    for (const n of nodes) assert.equal(ownership(await clusterNodes(n.client)), want, `${n.address} sees the same owners`);
    assert.match(want, new RegExp(`${p1.id}:0-5461`));
    assert.match(want, new RegExp(`${p2.id}:5462-10922`));
    assert.match(want, new RegExp(`${p3.id}:10923-16383`));

    // And every key is on its slot's owner, with its value.
    const home = (slot: number) => (slot <= 5461 ? p1 : slot <= 10922 ? p2 : p3);
    const missing: number[] = [];
    for (const p of [p1, p2, p3]) {
      const mine = keys.map((k, slot) => [k, slot] as const).filter(([, slot]) => home(slot) === p);
      // One GET each (MGET refuses keys of different slots in cluster mode), pipelined.
      const batch = p.client.pipeline();
      for (const [k] of mine) batch.get(k);
      const got = ((await batch.exec()) ?? []).map(([, v]) => v as string | null);
      mine.forEach(([, slot], i) => { if (got[i] !== String(slot)) missing.push(slot); });
    }
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} slots lost their key`);
    assert.ok(logs.some((l) => /slot moves into this node wait/.test(l) && l.includes(p2.id)), 'shard 0002 took slots only after giving its own');
  });

  it('nodes formed from scratch take their config epochs before they meet anyone: one each, in member order, none settled by collision', async () => {
    const tc = await TestCluster.create(cleanup, 'cachefleet-fresh-');
    const nodes = await tc.startNodes(4);
    const [p1, r1, p2, r2] = nodes as [TestNode, TestNode, TestNode, TestNode];
    const id = (shard: string, n: number) => `fresh-${shard}-00${n}`;
    const placed: [string, TestNode][] = [[id('0001', 1), p1], [id('0001', 2), r1], [id('0002', 1), p2], [id('0002', 2), r2]];
    const clusters = new Map(placed.map(([cid, n]) => [cid, { id: cid, nodes: [{ address: n.address, port: n.port, observed: { runId: String(n.pid), linkUp: true } }] } as unknown as CacheClusterRecord]));
    const shard = (ng: string, slots: string) => ({ id: ng, slots, primaryClusterId: id(ng, 1), memberClusters: [id(ng, 1), id(ng, 2)] });
    const group = {
      id: 'fresh', status: 'creating', clusterEnabled: true, memberClusters: placed.map(([cid]) => cid),
      nodeGroups: [shard('0001', '0-8191'), shard('0002', '8192-16383')],
    } as unknown as ReplicationGroupRecord;
    const formation = new ClusterFormation({ admin: tc.pool, logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } } as unknown as ReconcilerDeps, 500);
    const deadline = Date.now() + 30_000;
    while (!(await formation.step(group, clusters)).settled) assert.ok(Date.now() < deadline, 'formation did not settle');
    const epochs = async (n: TestNode) => Number((await clusterInfo(n.client)).cluster_my_epoch);
    // Each its own, in member order: p1 1, r1 2, p2 3, r2 4 (a replica reports its primary's).
    assert.deepEqual(await Promise.all(nodes.map(epochs)), [1, 1, 3, 3]);
    const view = await clusterNodes(r2.client);
    assert.equal(view.find((n) => n.id === p1.id)!.configEpoch, 1);
    assert.equal(view.find((n) => n.id === p2.id)!.configEpoch, 3);
  });
});
