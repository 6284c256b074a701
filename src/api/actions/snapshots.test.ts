/**
 * The snapshot actions on test services: what CreateSnapshot records and shows, the source
 * `snapshotting` meanwhile with the calls ElastiCache refuses then, DescribeSnapshots' filters and
 * pages, CopySnapshot (a copy, an export), DeleteSnapshot, tags on snapshot ARNs, KmsKeyId.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { getGroup, getSnapshot } from '../../store/index.js';
import AddTagsToResource from './AddTagsToResource.js';
import CopySnapshot from './CopySnapshot.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateSnapshot from './CreateSnapshot.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import DeleteSnapshot from './DeleteSnapshot.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import DescribeSnapshots from './DescribeSnapshots.js';
import IncreaseReplicaCount from './IncreaseReplicaCount.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import TestFailover from './TestFailover.js';
import { availableSnapshot, cluster, group, IPC, IVP, makeAvailable, shardedGroup, snapshotServices } from './snapshot-fixtures.js';
import { assertFault, assertFaultChangesNothing, type TestServices } from './test-services.js';
import { snapshotActions } from './registry-snapshots.js';
import { getOperation } from '../codec/model.js';
import { Readable } from 'node:stream';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const describeSnapshots = async (input: object = {}) => (await t!.call(DescribeSnapshots, input)).Snapshots;

describe('CreateSnapshot', () => {
  it('registers the four snapshot actions and cachefleet\'s restore windows, each an operation of the model', async () => {
    t = await snapshotServices();
    const names = snapshotActions.map((f) => f(t!.svc).name);
    assert.deepEqual(names, ['CreateSnapshot', 'DescribeSnapshots', 'CopySnapshot', 'DeleteSnapshot', 'DescribePointInTimeRestoreWindows']);
    for (const n of names) assert.ok(getOperation(n), n);
  });

  it('records the snapshot creating, with the group\'s configuration as AWS shows it; the group shows snapshotting', async () => {
    t = await snapshotServices();
    await group(t, 'my-redis-cluster', { SnapshotRetentionLimit: 7, SnapshotWindow: '03:00-04:00', PreferredMaintenanceWindow: 'sun:05:00-sun:06:00' });
    const out = await t.call(CreateSnapshot, { ReplicationGroupId: 'my-redis-cluster', SnapshotName: 'My-Redis-Backup-20240115' });
    assert.deepEqual(out.Snapshot, {
      SnapshotName: 'my-redis-backup-20240115',
      ReplicationGroupId: 'my-redis-cluster', ReplicationGroupDescription: 'my-redis-cluster cache',
      CacheClusterId: 'my-redis-cluster-002',
      SnapshotStatus: 'creating', SnapshotSource: 'manual',
      CacheNodeType: 'cache.t3.micro', Engine: 'redis', EngineVersion: '7.0.15', NumCacheNodes: 1,
      PreferredAvailabilityZone: out.Snapshot.PreferredAvailabilityZone, CacheClusterCreateTime: '2024-01-15T12:00:00.000Z',
      PreferredMaintenanceWindow: 'sun:05:00-sun:06:00', Port: 6379, CacheParameterGroupName: 'default.redis7',
      CacheSubnetGroupName: 'default', VpcId: out.Snapshot.VpcId, AutoMinorVersionUpgrade: true,
      SnapshotRetentionLimit: 7, SnapshotWindow: '03:00-04:00', NumNodeGroups: 1, AutomaticFailover: 'disabled',
      NodeSnapshots: [{ CacheClusterId: 'my-redis-cluster-002', CacheNodeId: '0001', CacheNodeCreateTime: '2024-01-15T12:00:00.000Z' }],
      ARN: 'arn:aws:elasticache:us-east-1:123456789012:snapshot:my-redis-backup-20240115',
      DataTiering: 'disabled',
    });
    const [g] = (await t.call(DescribeReplicationGroups, { ReplicationGroupId: 'my-redis-cluster' })).ReplicationGroups;
    assert.equal(g.Status, 'snapshotting');
    assert.equal(g.SnapshottingClusterId, 'my-redis-cluster-002');
    assert.equal(t.kicks() > 0, true);
  });

  it('while snapshotting, ElastiCache\'s refusals: another snapshot, modify, delete, failover, replica changes', async () => {
    t = await snapshotServices();
    await group(t, 'orders', { AutomaticFailoverEnabled: true, NumCacheClusters: 3 });
    await t.call(CreateSnapshot, { ReplicationGroupId: 'orders', SnapshotName: 'first' });
    const refused: Array<[object, (i: object) => Promise<unknown>, RegExp]> = [
      [{ SnapshotName: 'second' }, (i) => t!.call(CreateSnapshot, { ReplicationGroupId: 'orders', ...i }), /snapshotting/],
      [{ SnapshotRetentionLimit: 3 }, (i) => t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'orders', ApplyImmediately: true, ...i }), /snapshotting/],
      [{}, (i) => t!.call(DeleteReplicationGroup, { ReplicationGroupId: 'orders', ...i }), /has status snapshotting which is not valid for deletion/],
      [{}, (i) => t!.call(TestFailover, { ReplicationGroupId: 'orders', NodeGroupId: '0001', ...i }), /snapshotting/],
      [{ NewReplicaCount: 3 }, (i) => t!.call(IncreaseReplicaCount, { ReplicationGroupId: 'orders', ApplyImmediately: true, ...i }), /snapshotting/],
    ];
    for (const [input, call, message] of refused) {
      const err = await assertFaultChangesNothing(t.svc, () => call(input), 'InvalidReplicationGroupState');
      assert.match(err.message, message);
    }
    await makeAvailable(t, 'first');
    assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, undefined);
    await t.call(CreateSnapshot, { ReplicationGroupId: 'orders', SnapshotName: 'second' });
  });

  it('a cluster-mode-enabled group: one NodeSnapshot per shard, with its configuration when asked', async () => {
    t = await snapshotServices();
    await shardedGroup(t, 'shop', 3);
    const out = await t.call(CreateSnapshot, { ReplicationGroupId: 'shop', SnapshotName: 'sharded' });
    assert.equal(out.Snapshot.NumNodeGroups, 3);
    assert.equal(out.Snapshot.CacheClusterId, undefined);
    assert.deepEqual(out.Snapshot.NodeSnapshots.map((n: { NodeGroupId: string }) => n.NodeGroupId), ['0001', '0002', '0003']);
    await makeAvailable(t, 'sharded');
    const [s] = await describeSnapshots({ SnapshotName: 'sharded', ShowNodeGroupConfig: true });
    assert.deepEqual(s.NodeSnapshots[1], {
      NodeGroupId: '0002', CacheSize: '3 MB', SnapshotCreateTime: '2024-01-15T12:00:00.000Z',
      NodeGroupConfiguration: {
        NodeGroupId: '0002', Slots: (await getGroup(t.store, 'shop'))!.doc.nodeGroups![1]!.slots, ReplicaCount: 1,
        PrimaryAvailabilityZone: s.NodeSnapshots[1].NodeGroupConfiguration.PrimaryAvailabilityZone,
        ReplicaAvailabilityZones: s.NodeSnapshots[1].NodeGroupConfiguration.ReplicaAvailabilityZones,
      },
    });
    assert.equal(s.SnapshotStatus, 'available');
  });

  it('a standalone cluster, and a member of a cluster-mode-disabled group (the group\'s data, from that member)', async () => {
    t = await snapshotServices();
    await cluster(t, 'solo');
    await group(t, 'orders');
    const solo = (await t.call(CreateSnapshot, { CacheClusterId: 'solo', SnapshotName: 'solo-snap' })).Snapshot;
    assert.deepEqual([solo.CacheClusterId, solo.ReplicationGroupId, solo.NumCacheNodes], ['solo', undefined, 1]);
    assert.equal((await t.store.get('cacheCluster', 'solo'))!.doc.snapshotting, 'solo-snap');
    const member = (await t.call(CreateSnapshot, { CacheClusterId: 'orders-001', SnapshotName: 'from-primary' })).Snapshot;
    assert.deepEqual([member.ReplicationGroupId, member.CacheClusterId], ['orders', 'orders-001']);
  });

  it('KmsKeyId: the snapshot is encrypted under the key named; groups encrypted at rest show their key', async () => {
    t = await snapshotServices();
    const key = t.io.keys.add('alias/team-key');
    await group(t, 'plain');
    await group(t, 'secret', { AtRestEncryptionEnabled: true, KmsKeyId: 'alias/team-key' });
    const [g] = (await t.call(DescribeReplicationGroups, { ReplicationGroupId: 'secret' })).ReplicationGroups;
    assert.deepEqual([g.AtRestEncryptionEnabled, g.KmsKeyId], [true, key.arn]);
    const [p] = (await t.call(DescribeReplicationGroups, { ReplicationGroupId: 'plain' })).ReplicationGroups;
    assert.deepEqual([p.AtRestEncryptionEnabled, p.KmsKeyId], [false, undefined]);
    const a = (await t.call(CreateSnapshot, { ReplicationGroupId: 'secret', SnapshotName: 'a' })).Snapshot;
    assert.equal(a.KmsKeyId, key.arn, 'the group\'s key');
    const b = (await t.call(CreateSnapshot, { ReplicationGroupId: 'plain', SnapshotName: 'b', KmsKeyId: key.id })).Snapshot;
    assert.equal(b.KmsKeyId, key.arn, 'the key named');
    await group(t, 'defaulted', { AtRestEncryptionEnabled: true });
    const [d] = (await t.call(DescribeReplicationGroups, { ReplicationGroupId: 'defaulted' })).ReplicationGroups;
    assert.equal(d.KmsKeyId, (await t.io.keys.defaultKey()).arn, 'the installation\'s default key, shown truthfully');
  });

  it('tags: given at create, and through the tag actions on the snapshot ARN', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    const arn = (await t.call(CreateSnapshot, { ReplicationGroupId: 'orders', SnapshotName: 'tagged', Tags: [{ Key: 'team', Value: 'cache' }] })).Snapshot.ARN;
    await t.call(AddTagsToResource, { ResourceName: arn, Tags: [{ Key: 'env', Value: 'prod' }] });
    assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: arn.replace('tagged', 'TAGGED') })).TagList,
      [{ Key: 'team', Value: 'cache' }, { Key: 'env', Value: 'prod' }]);
  });
});

describe('DescribeSnapshots', () => {
  it('filters by group, cluster, name and source (user, system); ElastiCache\'s errors for the rest', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    await cluster(t, 'solo');
    await availableSnapshot(t, 'orders', 'o1');
    await t.call(CreateSnapshot, { CacheClusterId: 'solo', SnapshotName: 's1' });
    await makeAvailable(t, 's1');
    const auto = (await getSnapshot(t.store, 'o1'))!;
    await t.store.commit([{ op: 'update', kind: 'snapshot', id: 'o1', doc: { ...auto.spec, source: 'automated' }, expectVersion: auto.version }]);
    const names = async (input: object) => (await describeSnapshots(input)).map((s: { SnapshotName: string }) => s.SnapshotName);
    assert.deepEqual(await names({}), ['o1', 's1']);
    assert.deepEqual(await names({ ReplicationGroupId: 'ORDERS' }), ['o1']);
    assert.deepEqual(await names({ CacheClusterId: 'solo' }), ['s1']);
    assert.deepEqual(await names({ CacheClusterId: 'orders-002' }), ['o1']);
    assert.deepEqual(await names({ SnapshotSource: 'system' }), ['o1']);
    assert.deepEqual(await names({ SnapshotSource: 'user' }), ['s1']);
    assert.deepEqual(await names({ ReplicationGroupId: 'gone' }), []);
    await assertFault(describeSnapshots({ SnapshotName: 'nope' }), 'SnapshotNotFoundFault', 404);
    await assertFault(describeSnapshots({ CacheClusterId: 'nope' }), 'CacheClusterNotFound', 404);
    await assertFault(describeSnapshots({ SnapshotSource: 'manual' }), IVP);
  });

  it('pages of 20–50 (50 by default) with a Marker', async () => {
    t = await snapshotServices();
    await cluster(t, 'solo');
    for (let i = 0; i < 55; i++) {
      await t.call(CreateSnapshot, { CacheClusterId: 'solo', SnapshotName: `snap-${String(i).padStart(2, '0')}` });
      await makeAvailable(t, `snap-${String(i).padStart(2, '0')}`);
    }
    const first = await t.call(DescribeSnapshots, {});
    assert.equal(first.Snapshots.length, 50);
    const rest = await t.call(DescribeSnapshots, { Marker: first.Marker });
    assert.deepEqual([rest.Snapshots.length, rest.Marker], [5, undefined]);
    const small = await t.call(DescribeSnapshots, { MaxRecords: 20 });
    assert.equal(small.Snapshots.length, 20);
    for (const bad of [19, 51]) await assertFault(t.call(DescribeSnapshots, { MaxRecords: bad }), IVP);
  });
});

describe('CopySnapshot and DeleteSnapshot', () => {
  it('a copy is a new manual snapshot, creating; its source shows copying and cannot be deleted meanwhile', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    await availableSnapshot(t, 'orders', 'nightly');
    const copy = (await t.call(CopySnapshot, { SourceSnapshotName: 'nightly', TargetSnapshotName: 'Kept-Copy' })).Snapshot;
    assert.deepEqual([copy.SnapshotName, copy.SnapshotStatus, copy.SnapshotSource, copy.ReplicationGroupId], ['kept-copy', 'creating', 'manual', 'orders']);
    assert.equal((await describeSnapshots({ SnapshotName: 'nightly' }))[0].SnapshotStatus, 'copying');
    await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'nightly' }), 'InvalidSnapshotState');
    await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'kept-copy' }), 'InvalidSnapshotState');
  });

  it('an export to a bucket: the source copying; a name whose objects exist is refused in AWS\'s words', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    await availableSnapshot(t, 'orders', 'nightly');
    await t.io.storage.bucket('exports').put('taken-0001.rdb', Readable.from([Buffer.from('x')]));
    const err = await assertFaultChangesNothing(t.svc,
      () => t!.call(CopySnapshot, { SourceSnapshotName: 'nightly', TargetSnapshotName: 'taken', TargetBucket: 'exports' }), IVP);
    assert.equal(err.message, 'The S3 bucket exports already contains an object with key taken-0001.rdb.');
    const out = (await t.call(CopySnapshot, { SourceSnapshotName: 'nightly', TargetSnapshotName: 'fresh', TargetBucket: 'exports' })).Snapshot;
    assert.deepEqual([out.SnapshotName, out.SnapshotStatus], ['nightly', 'copying']);
    assert.deepEqual((await getSnapshot(t.store, 'nightly'))!.spec.holds!.map((h) => [h.kind, h.by, h.bucket]), [['export', 'fresh', 'exports']]);
    await assertFaultChangesNothing(t.svc,
      () => t!.call(CopySnapshot, { SourceSnapshotName: 'nightly', TargetSnapshotName: 'fresh', TargetBucket: 'exports' }), IVP);
  });

  it('DeleteSnapshot: deleting at once; a snapshot being created, or already being deleted, is refused', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    await t.call(CreateSnapshot, { ReplicationGroupId: 'orders', SnapshotName: 'busy' });
    const busy = await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'busy' }), 'InvalidSnapshotState');
    assert.match(busy.message, /is creating/);
    await makeAvailable(t, 'busy');
    const out = (await t.call(DeleteSnapshot, { SnapshotName: 'BUSY' })).Snapshot;
    assert.equal(out.SnapshotStatus, 'deleting');
    await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'busy' }), 'InvalidSnapshotState');
    await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'nope' }), 'SnapshotNotFoundFault');
  });
});

describe('final snapshots and restores', () => {
  it('DeleteReplicationGroup with FinalSnapshotIdentifier: a final snapshot from the primary, the group deleting', async () => {
    t = await snapshotServices();
    await group(t, 'orders');
    const g = (await t.call(DeleteReplicationGroup, { ReplicationGroupId: 'orders', FinalSnapshotIdentifier: 'Orders-Final' })).ReplicationGroup;
    assert.equal(g.Status, 'deleting');
    const s = (await getSnapshot(t.store, 'orders-final'))!;
    assert.deepEqual([s.spec.final, s.spec.origin, s.doc.status], [true, { kind: 'capture', fromPrimary: true, snapshottingClusterId: 'orders-001' }, 'creating']);
    assert.equal((await getGroup(t.store, 'orders'))!.doc.finalSnapshotName, 'orders-final');
  });

  it('CreateReplicationGroup from a snapshot: the restore recorded, the snapshot restoring (and not deletable) meanwhile', async () => {
    t = await snapshotServices();
    await group(t, 'my-redis-cluster');
    await availableSnapshot(t, 'my-redis-cluster', 'my-redis-backup-20240115');
    const out = (await t.call(CreateReplicationGroup, {
      ReplicationGroupId: 'my-redis-restored', ReplicationGroupDescription: 'Restored Redis cluster',
      SnapshotName: 'my-redis-backup-20240115', CacheNodeType: 'cache.r6g.large', Engine: 'redis',
    })).ReplicationGroup;
    assert.equal(out.Status, 'creating');
    assert.deepEqual((await getGroup(t.store, 'my-redis-restored'))!.doc.restore,
      { snapshotName: 'my-redis-backup-20240115', requestedAt: '2024-01-15T12:00:00.000Z' });
    assert.equal((await describeSnapshots({ SnapshotName: 'my-redis-backup-20240115' }))[0].SnapshotStatus, 'restoring');
    await assertFaultChangesNothing(t.svc, () => t!.call(DeleteSnapshot, { SnapshotName: 'my-redis-backup-20240115' }), 'InvalidSnapshotState');
  });

  it('a cluster-mode-enabled snapshot restored with no shape of its own gets the snapshot\'s shards; into cluster mode disabled it is refused', async () => {
    t = await snapshotServices();
    await shardedGroup(t, 'shop', 3);
    await availableSnapshot(t, 'shop', 'sharded');
    await t.call(CreateReplicationGroup, { ReplicationGroupId: 'shop-copy', ReplicationGroupDescription: 'd', SnapshotName: 'sharded', CacheNodeType: 'cache.t3.micro' });
    assert.equal((await getGroup(t.store, 'shop-copy'))!.doc.nodeGroups!.length, 3);
    const err = await assertFaultChangesNothing(t.svc, () => t!.call(CreateReplicationGroup, {
      ReplicationGroupId: 'flat', ReplicationGroupDescription: 'd', SnapshotName: 'sharded', NumCacheClusters: 2,
    }), IPC);
    assert.match(err.message, /cluster-mode-enabled replication group; it cannot be restored into a replication group with cluster mode disabled/);
  });

  it('windows: the snapshot window may not overlap the maintenance window; one is chosen when none is given', async () => {
    t = await snapshotServices();
    await assertFaultChangesNothing(t.svc, () => t!.call(CreateReplicationGroup, {
      ReplicationGroupId: 'w', ReplicationGroupDescription: 'd', SnapshotWindow: '05:30-06:30', PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    }), IPC);
    await group(t, 'chosen', { PreferredMaintenanceWindow: 'mon:02:30-mon:04:30' });
    assert.equal((await getGroup(t.store, 'chosen'))!.doc.snapshotWindow, '05:00-06:00');
    await assertFaultChangesNothing(t.svc, () => t!.call(ModifyReplicationGroup, {
      ReplicationGroupId: 'chosen', SnapshotWindow: '02:00-03:00', ApplyImmediately: true,
    }), IPC);
  });

  it('ModifyReplicationGroup SnapshottingClusterId: a member, or AWS\'s CacheClusterNotFound', async () => {
    t = await snapshotServices();
    await group(t, 'orders', { NumCacheClusters: 3 });
    const err = await assertFaultChangesNothing(t.svc, () => t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'orders', SnapshottingClusterId: 'other-001' }), 'CacheClusterNotFound');
    assert.deepEqual([err.message, err.httpStatus], ['Specified snapshotting cluster does not exist', 404]);
    const g = (await t.call(ModifyReplicationGroup, { ReplicationGroupId: 'orders', SnapshottingClusterId: 'orders-003', SnapshotRetentionLimit: 5 })).ReplicationGroup;
    assert.deepEqual([g.SnapshottingClusterId, g.SnapshotRetentionLimit], ['orders-003', 5]);
  });
});
