/**
 * Shared by the unit tests of the snapshot actions (not used at run time): groups and clusters
 * created through the handlers and made available as the reconciler would, and snapshots made
 * `available` as the snapshot controller would (a file per shard in the in-memory store).
 */
import { Readable } from 'node:stream';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';
import { getSnapshot, snapshotStatusWrite } from '../../store/index.js';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateSnapshot from './CreateSnapshot.js';
import { fakeEngine, makeTestServices, type TestServices, type TestServicesOptions } from './test-services.js';

export const IVP = 'InvalidParameterValue';
export const IPC = 'InvalidParameterCombination';

export async function snapshotServices(opts: TestServicesOptions = {}): Promise<TestServices> {
  return makeTestServices({ engines: [fakeEngine()], now: new Date('2024-01-15T12:00:00Z'), ...opts });
}

/** Every cluster and group available, nodes answering (replicas with their link up), as the reconciler leaves them. */
export async function settle(t: TestServices): Promise<void> {
  const groups = await t.store.list('replicationGroup');
  const primaries = new Set(groups.flatMap((g) => (g.doc.nodeGroups ?? [g.doc]).map((s) => s.primaryClusterId)));
  for (const c of await t.store.list('cacheCluster')) {
    const replica = !!c.doc.replicationGroupId && !primaries.has(c.id);
    await setClusterStatus(t.store, c.id, (x) => {
      x.status = 'available';
      for (const n of x.nodes) {
        n.status = 'available';
        n.observed = { pid: 1, runId: `run-${c.id}`, role: replica ? 'replica' : 'primary', ...(replica ? { linkUp: true } : {}) };
      }
    });
  }
  for (const g of groups) await setGroupStatus(t.store, g.id, (x) => { x.status = 'available'; });
}

export async function group(t: TestServices, id: string, extra: object = {}): Promise<void> {
  await t.call(CreateReplicationGroup, { ReplicationGroupId: id, ReplicationGroupDescription: `${id} cache`, CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2, ...extra });
  await settle(t);
}

export async function shardedGroup(t: TestServices, id: string, shards: number, extra: object = {}): Promise<void> {
  await t.call(CreateReplicationGroup, {
    ReplicationGroupId: id, ReplicationGroupDescription: `${id} cache`, CacheNodeType: 'cache.t3.micro',
    CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: shards, ReplicasPerNodeGroup: 1, ...extra,
  });
  await settle(t);
}

export async function cluster(t: TestServices, id: string, extra: object = {}): Promise<void> {
  await t.call(CreateCacheCluster, { CacheClusterId: id, CacheNodeType: 'cache.t3.micro', ...extra });
  await settle(t);
}

/** As the snapshot controller leaves a snapshot it took: its files written, `available`, its source's marker cleared. */
export async function makeAvailable(t: TestServices, name: string): Promise<void> {
  const v = (await getSnapshot(t.store, name))!;
  const nodeSnapshots = [];
  for (const shard of v.spec.config.shards) {
    const objectKey = `${v.spec.name}/${v.spec.uid}/${shard.id}.rdb`;
    await t.io.storage.snapshots.put(objectKey, Readable.from([Buffer.from('FAKE1 z -\nREDIS0011')]));
    nodeSnapshots.push({ nodeGroupId: shard.id, objectKey, rdbBytes: 3 * 1024 * 1024, storedBytes: 100, snapshotCreateTime: t.svc.now().toISOString() });
  }
  await t.store.commit(snapshotStatusWrite(v, { ...v.doc.work, status: 'available', nodeSnapshots, attempts: 1, announced: true }));
  for (const kind of ['replicationGroup', 'cacheCluster'] as const) {
    const id = kind === 'replicationGroup' ? v.spec.config.replicationGroupId : v.spec.config.cacheClusterId;
    const r = id ? await t.store.get(kind, id) : undefined;
    if (r?.doc.snapshotting === name) {
      const { snapshotting: _s, ...doc } = r.doc;
      await t.store.commit([{ op: 'update', kind, id: r.id, doc, expectVersion: r.version }]);
    }
  }
}

/** A snapshot of `source` (a group) taken and made available. */
export async function availableSnapshot(t: TestServices, source: string, name: string): Promise<void> {
  await t.call(CreateSnapshot, { ReplicationGroupId: source, SnapshotName: name });
  await makeAvailable(t, name);
}
