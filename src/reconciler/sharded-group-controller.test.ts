/**
 * The sharded controller on the real SQLite store, with the Redis side faked. Removing node groups
 * (resharding down): the clusters to delete are recorded in the commit that takes them out of the
 * group, a controller started afresh on the same store finishes their deletion, and a failed
 * commit marks nothing. A shard left with no primary is repaired through the failover machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AdminPool } from '../engine/admin.js';
import type { NodeProvider } from '../engine/types.js';
import { EventSink } from '../events/sink.js';
import { nodeKey } from '../resources/naming.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { clusterCreate, clusterStatusOf, getCluster, getGroup, groupCreate, groupStatusOf, listClusters, listGroups, presentedCluster, type CacheClusterRecord, type CommitOptions, type ReplicationGroupRecord, type RestoreState, type StateStore, type WriteOp } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { ClusterController } from './cluster-controller.js';
import type { FormationResult } from './cluster-formation.js';
import type { ReconcilerDeps } from './deps.js';
import type { EndpointNetwork } from './network.js';
import { FailoverRunner, failoverRunner } from './failover-runner.js';
import { FakeShard } from '../failover/fake-shard.js';
import { desiredRoutes } from './routes.js';
import { ShardedGroupController } from './sharded-group-controller.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-shards-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

/** A store whose commits are recorded, and can be made to fail (a full disk, a lost connection). */
class RecordingStore {
  readonly commits: WriteOp[][] = [];
  failNext: ((ops: WriteOp[]) => boolean) | undefined;
  constructor(readonly inner: StateStore) {}
  wrap(): StateStore {
    return new Proxy(this.inner, {
      get: (target, prop) => prop !== 'commit' ? Reflect.get(target, prop).bind(target) : async (ops: WriteOp[], opts?: CommitOptions) => {
        if (this.failNext?.(ops)) { this.failNext = undefined; throw new Error('disk I/O error'); }
        await target.commit(ops, opts);
        this.commits.push(ops);
      },
    });
  }
}

const member = (g: string, shard: string, k: number) => `${g}-${shard}-00${k}`;
let nextAddress = 1;

/** A cluster-mode group with these shards (a primary and a replica each), `removing` already emptied of slots. */
async function seedGroup(store: StateStore, id: string, shards: string[], removing: string[], roles: Record<string, 'primary' | 'replica'> = {}): Promise<void> {
  const ops: WriteOp[] = [];
  const g = {
    id, arn: `arn:rg:${id}`, status: 'modifying', clusterEnabled: true,
    primaryClusterId: member(id, shards[0]!, 1),
    memberClusters: shards.flatMap((s) => [member(id, s, 1), member(id, s, 2)]),
    nodeGroups: shards.map((s) => ({ id: s, slots: '', primaryClusterId: member(id, s, 1), memberClusters: [member(id, s, 1), member(id, s, 2)] })),
    configurationEndpoint: { address: `127.88.1.${nextAddress++}`, port: 6379 },
    primaryEndpoint: { address: '', port: 6379 }, readerEndpoint: { address: '', port: 6379 },
    resharding: { startedAt: '', totalSlots: 100, movedSlots: 100, keysMoved: 5, removing },
    pending: {},
  } as unknown as ReplicationGroupRecord;
  ops.push(groupCreate(g), { op: 'create', kind: 'replicationGroupStatus', id, doc: groupStatusOf(g) });
  for (const ng of g.nodeGroups!) {
    for (const cid of ng.memberClusters) {
      const address = `127.88.0.${nextAddress++}`;
      const role = roles[cid] ?? (cid === ng.primaryClusterId ? 'primary' : 'replica');
      const c = {
        id: cid, arn: `arn:cc:${cid}`, status: 'available', replicationGroupId: id, nodeGroupId: ng.id, pending: {},
        nodes: [{ id: '0001', address, port: 6379, status: 'available', observed: { role, runId: `run-${cid}`, linkUp: true } }],
      } as unknown as CacheClusterRecord;
      ops.push(clusterCreate(c), { op: 'create', kind: 'cacheClusterStatus', id: cid, doc: clusterStatusOf(c) },
        { op: 'create', kind: 'address', id: address, doc: { address, owner: `replicationGroup:${id}:${cid}` } });
    }
  }
  await store.commit(ops);
}

/** What touches the world, faked: nodes removed are remembered; admin connections refuse. */
function deps(store: StateStore, removed: string[] = [], failRemove?: (key: string) => boolean): ReconcilerDeps {
  const provider = {
    remove: async (key: string) => {
      if (failRemove?.(key)) throw new Error('control plane stopped');
      removed.push(key);
    },
    list: async () => [],
  } as unknown as NodeProvider;
  const admin = {
    client: () => ({ call: async () => { throw new Error('connection refused'); } }),
    release: () => undefined,
  } as unknown as AdminPool;
  return {
    store, provider, admin, network: { sync: async () => undefined, switchEndpoint: async () => undefined } as unknown as EndpointNetwork, events: new EventSink(store, silentLogger), engines: [],
    logger: silentLogger, now: () => new Date('2026-01-01T00:00:00Z'), nodeKeyOf: (c) => nodeKey(c.id, c.nodes[0]!.id),
  };
}

/** Formation found every slot where the record wants it (the removed shards are empty). */
const formed = { step: async (): Promise<FormationResult> => ({ settled: false, slotsMoved: 0, keysMoved: 0, pendingMoves: 0, planned: 0 }) };

function controller(d: ReconcilerDeps): ShardedGroupController {
  return new ShardedGroupController(d, { stuckLinkMs: 0 }, failoverRunner(d, 'cluster'), formed);
}

async function reconcileGroup(d: ReconcilerDeps, ctl: ShardedGroupController, id: string): Promise<boolean> {
  const stored = (await getGroup(d.store, id))!;
  const clusters = new Map((await listClusters(d.store)).map((r) => [r.id, r.doc]));
  return ctl.reconcile(stored, clusters);
}

/** The cluster half of a reconcile pass: every record marked for deletion is deleted. */
async function deletePass(d: ReconcilerDeps): Promise<void> {
  const ctl = new ClusterController(d);
  for (const stored of await listClusters(d.store)) {
    if (stored.doc.deleteRequested) await ctl.reconcile(stored, undefined);
  }
}

const clusterIds = async (store: StateStore) => (await store.list('cacheCluster')).map((r) => r.id);
const marked = async (store: StateStore) => (await store.list('cacheCluster')).filter((r) => r.doc.deleteRequested).map((r) => r.id);

describe('removing node groups', () => {
  it('a formation pass that stopped short (nodes still meeting) takes no shard out', async () => {
    const store = new SqliteStore(dbPath());
    await seedGroup(store, 'a', ['0001', '0002', '0003'], ['0003']);
    const d = deps(store);
    const short = { step: async (): Promise<FormationResult> => ({ settled: false, slotsMoved: 0, keysMoved: 0, pendingMoves: 0, planned: 0, waiting: 'the members have not all met yet' }) };
    await reconcileGroup(d, new ShardedGroupController(d, { stuckLinkMs: 0 }, failoverRunner(d, 'cluster'), short), 'a');
    const g = (await store.get('replicationGroup', 'a'))!.doc;
    assert.deepEqual(g.nodeGroups!.map((ng) => ng.id), ['0001', '0002', '0003']);
    assert.deepEqual(g.resharding?.removing, ['0003']);
    assert.deepEqual(await marked(store), []);
  });

  it('the clusters to delete are marked in the very commit that takes their shard out of the group', async () => {
    const rec = new RecordingStore(new SqliteStore(dbPath()));
    const store = rec.wrap();
    await seedGroup(store, 'a', ['0001', '0002', '0003'], ['0003']);
    rec.commits.length = 0;
    const d = deps(store);
    await reconcileGroup(d, controller(d), 'a');

    const removal = rec.commits.find((ops) => ops.some((o) => o.kind === 'replicationGroup'));
    assert.ok(removal, 'the group was saved');
    assert.deepEqual(removal.filter((o) => o.kind !== 'replicationGroupStatus').map((o) => `${o.kind}:${o.id}`),
      ['replicationGroup:a', 'cacheCluster:a-0003-001', 'cacheCluster:a-0003-002']);
    const g = (await store.get('replicationGroup', 'a'))!.doc;
    assert.deepEqual(g.nodeGroups!.map((ng) => ng.id), ['0001', '0002']);
    assert.deepEqual(g.resharding?.removing, []);
    for (const id of ['a-0003-001', 'a-0003-002']) {
      const c = presentedCluster((await getCluster(store, id))!.doc);
      assert.equal(c.deleteRequested, true);
      assert.equal(c.status, 'deleting');
    }
    assert.deepEqual(await marked(store), ['a-0003-001', 'a-0003-002'], 'no other cluster marked');
    const events = await store.queryEvents({ sourceIdentifier: 'a-0003-001' });
    assert.match(events[0]!.message, /being deleted/);
    await store.close();
  });

  it('a control plane restarted after the group was saved finishes the deletion (and again after a cut-short one)', async () => {
    const path = dbPath();
    const before = new SqliteStore(path);
    await seedGroup(before, 'a', ['0001', '0002', '0003'], ['0002', '0003']);
    const d1 = deps(before);
    await reconcileGroup(d1, controller(d1), 'a');
    await before.close(); // the process dies here: no deletion has run, nothing in memory survives

    const store = new SqliteStore(path);
    const removed: string[] = [];
    // The first restart dies again half-way: one node removed, the other's removal cut short.
    await assert.rejects(deletePass(deps(store, removed, (key) => key === nodeKey('a-0002-002', '0001'))));
    assert.ok((await clusterIds(store)).includes('a-0002-002'), 'still recorded, still marked');
    assert.deepEqual(await marked(store), ['a-0002-002', 'a-0003-001', 'a-0003-002']);

    await deletePass(deps(store, removed));
    assert.deepEqual(await clusterIds(store), ['a-0001-001', 'a-0001-002']);
    assert.deepEqual([...new Set(removed)].sort(), ['a-0002-001', 'a-0002-002', 'a-0003-001', 'a-0003-002'].map((id) => nodeKey(id, '0001')));
    assert.equal((await store.list('address')).length, 2, 'the removed nodes\' addresses are released');
    assert.deepEqual(await marked(store), []);

    // The group, reconciled by a fresh controller, plans nothing more, and its routes lead to the kept shard only.
    const d2 = deps(store);
    await reconcileGroup(d2, controller(d2), 'a');
    assert.deepEqual(await clusterIds(store), ['a-0001-001', 'a-0001-002']);
    const clusters = new Map((await listClusters(store)).map((r) => [r.id, r.doc]));
    const routes = desiredRoutes((await listGroups(store)).map((r) => r.doc), clusters);
    assert.deepEqual(routes.map((r) => r.targets.map((t) => t.address)), [[clusters.get('a-0001-001')!.nodes[0]!.address]]);
    await store.close();
  });

  it('a failed save marks nothing, and the next group\'s pass touches only its own clusters', async () => {
    const rec = new RecordingStore(new SqliteStore(dbPath()));
    const store = rec.wrap();
    await seedGroup(store, 'a', ['0001', '0002'], ['0002']);
    await seedGroup(store, 'b', ['0001', '0002'], ['0002']);
    const d = deps(store);
    const ctl = controller(d); // one controller serves every group, as in the reconciler

    rec.failNext = (ops) => ops.some((o) => o.kind === 'replicationGroup' && o.id === 'a');
    await assert.rejects(reconcileGroup(d, ctl, 'a'), /disk I\/O/);
    assert.deepEqual(await marked(store), [], 'neither the group change nor a marker');
    assert.deepEqual((await store.get('replicationGroup', 'a'))!.doc.resharding?.removing, ['0002'], 'still to be removed');

    await reconcileGroup(d, ctl, 'b');
    assert.deepEqual(await marked(store), ['b-0002-001', 'b-0002-002'], 'group b marks its own clusters, none of a\'s');
    await deletePass(d);
    assert.ok((await clusterIds(store)).includes('a-0002-001'), 'a\'s clusters still run');

    await reconcileGroup(d, ctl, 'a'); // the next pass of a plans the same removal again
    assert.deepEqual(await marked(store), ['a-0002-001', 'a-0002-002']);
    await deletePass(d);
    assert.deepEqual(await clusterIds(store), ['a-0001-001', 'a-0001-002', 'b-0001-001', 'b-0001-002']);
    await store.close();
  });

  it('a cluster the group no longer names, not marked for deletion, is left running by every group\'s pass', async () => {
    const store = new SqliteStore(dbPath());
    await seedGroup(store, 'a', ['0001', '0002'], []);
    await seedGroup(store, 'b', ['0001', '0002'], ['0002']);
    // A stray of a: left behind by a version that kept removals in memory only.
    const g = (await store.get('replicationGroup', 'a'))!;
    await store.commit([{ op: 'update', kind: 'replicationGroup', id: 'a', expectVersion: g.version, doc: {
      ...g.doc, nodeGroups: g.doc.nodeGroups!.slice(0, 1), memberClusters: g.doc.memberClusters.slice(0, 2) } }]);
    const d = deps(store);
    const ctl = controller(d);
    for (let pass = 0; pass < 2; pass++) {
      for (const id of ['a', 'b']) await reconcileGroup(d, ctl, id);
      await deletePass(d);
    }
    const ids = await clusterIds(store);
    assert.ok(ids.includes('a-0002-001') && ids.includes('a-0002-002'), 'the stray clusters are still there');
    assert.ok(!ids.includes('b-0002-001'), 'b\'s removal went through');
    assert.equal((await store.get('cacheCluster', 'a-0002-001'))!.doc.deleteRequested, undefined);
    await store.close();
  });
});

describe('a shard whose primary on record answers as a replica', () => {
  it('every member a replica (each following the other): the primary on record is promoted again, with its events', async () => {
    const store = new SqliteStore(dbPath());
    await seedGroup(store, 'h', ['0001', '0002'], [], { 'h-0001-001': 'replica' });
    const fake = new FakeShard({ 'h-0001-002': {}, 'h-0001-001': { following: 'h-0001-002' } });
    fake.node('h-0001-002').role = 'replica';
    fake.node('h-0001-002').following = 'h-0001-001';
    const d = deps(store);
    const runner = new FailoverRunner({ ...d, nodes: fake.control(), ops: fake.ops(true), network: d.network });
    await reconcileGroup(d, new ShardedGroupController(d, { stuckLinkMs: 0 }, runner, formed), 'h');
    assert.deepEqual(fake.actions, ['promote h-0001-001', 'repoint h-0001-002 h-0001-001']);
    const g = (await getGroup(store, 'h'))!.doc;
    assert.equal(g.nodeGroups![0]!.failover, undefined);
    assert.equal(g.nodeGroups![0]!.primaryClusterId, 'h-0001-001');
    const events = (await store.queryEvents({ sourceIdentifier: 'h' })).map((e) => e.message);
    assert.ok(events.some((m) => /^Node group 0001 has no primary: each of its nodes answers as a replica; promoting h-0001-001/.test(m)), events.join('\n'));
    assert.ok(events.some((m) => /^Node h-0001-001-0001 is primary again for node group 0001 \(no node was primary, /.test(m)), events.join('\n'));
    await store.close();
  });
});

describe('a restore restarting the shards\' primaries on their snapshot files (RestoreState.seeding)', () => {
  it('no failover of a seeding primary judged down, and the primary is the restore\'s to restart; once the restore is done, failover again', async () => {
    const store = new SqliteStore(dbPath());
    await seedGroup(store, 's', ['0001', '0002'], []);
    const g0 = (await store.get('replicationGroup', 's'))!;
    await store.commit([{ op: 'update', kind: 'replicationGroup', id: 's', expectVersion: g0.version, doc: { ...g0.doc, resharding: undefined, restore: { snapshotName: 'nightly', requestedAt: '' } } }]);
    const st = (await store.get('replicationGroupStatus', 's'))!;
    const seeding: RestoreState = { state: 'loading', attempts: 1, seeding: ['s-0001-001', 's-0002-001'] };
    await store.commit([{ op: 'update', kind: 'replicationGroupStatus', id: 's', expectVersion: st.version, doc: { ...st.doc, restoreState: seeding } }]);
    const fake = new FakeShard({ 's-0001-001': {}, 's-0001-002': { following: 's-0001-001' } });
    const down = 's-0001-001';
    const monitor = { canAct: true, health: (key: string) => ({ health: key === nodeKey(down, '0001') ? 'down' : 'up' }) };
    const d = { ...deps(store), monitor } as unknown as ReconcilerDeps;
    const runner = new FailoverRunner({ ...d, nodes: fake.control(), ops: fake.ops(true), network: d.network });
    const ctl = new ShardedGroupController(d, { stuckLinkMs: 0 }, runner, formed);
    await reconcileGroup(d, ctl, 's');
    const g = (await getGroup(store, 's'))!.doc;
    assert.deepEqual([fake.actions, g.nodeGroups![0]!.failover], [[], undefined], 'nothing promoted while the restore seeds it');
    const clusters = new Map((await listClusters(store)).map((r) => [r.id, r.doc]));
    assert.deepEqual(['s-0001-001', 's-0001-002', 's-0002-001'].map((id) => ctl.mayRestart(g, clusters.get(id)!)), [false, true, false]);

    const st2 = (await store.get('replicationGroupStatus', 's'))!;
    await store.commit([{ op: 'update', kind: 'replicationGroupStatus', id: 's', expectVersion: st2.version, doc: { ...st2.doc, restoreState: { state: 'done', attempts: 1 } } }]);
    await reconcileGroup(d, ctl, 's');
    assert.ok(fake.actions.some((a) => a.startsWith('promote s-0001-002')), `the down primary is failed over once the restore has ended: ${fake.actions.join(', ')}`);
    await store.close();
  });
});

describe('which members start again without their slots (notPrimary)', () => {
  it('a replica and a primary failed over while it was down do; the shard\'s primary and a member of a group without cluster mode do not', async () => {
    const store = new SqliteStore(dbPath());
    await seedGroup(store, 'n', ['0001', '0002'], []);
    const d = deps(store);
    const ctl = controller(d);
    const g = (await getGroup(store, 'n'))!.doc;
    const clusters = new Map((await listClusters(store)).map((r) => [r.id, r.doc]));
    const ids = ['n-0001-001', 'n-0001-002', 'n-0002-001', 'n-0002-002'];
    assert.deepEqual(ids.map((id) => ctl.notPrimary(g, clusters.get(id)!)), [false, true, false, true]);
    // The failover promoted 0001's replica: its old primary, restarted, must not claim the shard's slots.
    const failedOver = structuredClone(g);
    failedOver.nodeGroups![0]!.primaryClusterId = 'n-0001-002';
    assert.deepEqual(ids.map((id) => ctl.notPrimary(failedOver, clusters.get(id)!)), [true, false, false, true]);
    assert.equal(ctl.notPrimary({ ...g, clusterEnabled: false }, clusters.get('n-0001-002')!), false, 'no slots without cluster mode');
    await store.close();
  });
});
