/**
 * Bad snapshot requests — names, states, missing sources, duplicates, quotas, keys, bad ARNs,
 * cluster mode enabled into disabled — each answered with ElastiCache's error and changing
 * nothing: no record, no tag, no event, no hold on a snapshot (assertFaultChangesNothing compares
 * every record and event before and after).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, test } from 'node:test';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';
import CopySnapshot from './CopySnapshot.js';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateSnapshot from './CreateSnapshot.js';
import type { ActionFactory } from './define.js';
import DeleteCacheCluster from './DeleteCacheCluster.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import DeleteSnapshot from './DeleteSnapshot.js';
import DescribeSnapshots from './DescribeSnapshots.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import { availableSnapshot, cluster, group, IPC, IVP, shardedGroup, snapshotServices } from './snapshot-fixtures.js';
import { assertFaultChangesNothing, type TestServices } from './test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

interface BadCase { name: string; action: ActionFactory; input: object; code: string; message?: RegExp }

const snap = (extra: object) => ({ ReplicationGroupId: 'orders', SnapshotName: 'new-snap', ...extra });
const restore = (extra: object) => ({ ReplicationGroupId: 'restored', ReplicationGroupDescription: 'd', CacheNodeType: 'cache.t3.micro', ...extra });
const copy = (extra: object) => ({ SourceSnapshotName: 'nightly', TargetSnapshotName: 'copy-of-nightly', ...extra });
const ARN_OK = 'arn:aws:s3:::imports/ok.rdb';

const BAD: BadCase[] = [
  // Names (ElastiCache's identifier rules).
  { name: 'a name starting with a digit', action: CreateSnapshot, input: snap({ SnapshotName: '2024-backup' }), code: IVP, message: /must begin with a letter/ },
  { name: 'a name with two hyphens in a row', action: CreateSnapshot, input: snap({ SnapshotName: 'my--backup' }), code: IVP, message: /two consecutive hyphens/ },
  { name: 'a name ending with a hyphen', action: CreateSnapshot, input: snap({ SnapshotName: 'my-backup-' }), code: IVP, message: /end with a hyphen/ },
  { name: 'a name of 41 characters', action: CreateSnapshot, input: snap({ SnapshotName: 'b'.repeat(41) }), code: IVP, message: /at most 40/ },
  { name: 'a name with an underscore', action: CreateSnapshot, input: snap({ SnapshotName: 'my_backup' }), code: IVP, message: /letters, digits and hyphens/ },
  { name: 'an empty name', action: CreateSnapshot, input: snap({ SnapshotName: '' }), code: IVP, message: /blank/ },
  { name: 'a copy\'s target name against the rules', action: CopySnapshot, input: copy({ TargetSnapshotName: 'copy.of.nightly' }), code: IVP },
  { name: 'a final snapshot name against the rules', action: DeleteReplicationGroup, input: { ReplicationGroupId: 'orders', FinalSnapshotIdentifier: 'final--one' }, code: IVP },
  // Sources.
  { name: 'no source', action: CreateSnapshot, input: { SnapshotName: 'orphan' }, code: IPC },
  { name: 'both a group and a cluster', action: CreateSnapshot, input: snap({ CacheClusterId: 'solo' }), code: IPC },
  { name: 'a group that does not exist', action: CreateSnapshot, input: snap({ ReplicationGroupId: 'nope' }), code: 'ReplicationGroupNotFoundFault' },
  { name: 'a cluster that does not exist', action: CreateSnapshot, input: { CacheClusterId: 'nope', SnapshotName: 'x' }, code: 'CacheClusterNotFound' },
  { name: 'a member of a cluster-mode-enabled group', action: CreateSnapshot, input: { CacheClusterId: 'shop-0001-001', SnapshotName: 'x' }, code: IVP, message: /backed up as a whole/ },
  // States.
  { name: 'a group still being created', action: CreateSnapshot, input: snap({ ReplicationGroupId: 'fresh' }), code: 'InvalidReplicationGroupState', message: /fresh is creating/ },
  { name: 'a group already snapshotting', action: CreateSnapshot, input: snap({ ReplicationGroupId: 'snapping' }), code: 'InvalidReplicationGroupState', message: /snapshotting/ },
  { name: 'a cluster not available', action: CreateSnapshot, input: { CacheClusterId: 'rebooting', SnapshotName: 'x' }, code: 'InvalidCacheClusterState' },
  { name: 'deleting a snapshot being created', action: DeleteSnapshot, input: { SnapshotName: 'busy' }, code: 'InvalidSnapshotState' },
  { name: 'copying a snapshot being created', action: CopySnapshot, input: copy({ SourceSnapshotName: 'busy' }), code: 'InvalidSnapshotState' },
  { name: 'restoring from a snapshot being created', action: CreateReplicationGroup, input: restore({ SnapshotName: 'busy' }), code: 'InvalidSnapshotState' },
  { name: 'a final snapshot of a group being created', action: DeleteReplicationGroup, input: { ReplicationGroupId: 'fresh', FinalSnapshotIdentifier: 'last' }, code: 'InvalidReplicationGroupState' },
  // Duplicates and missing snapshots.
  { name: 'a name taken', action: CreateSnapshot, input: snap({ SnapshotName: 'Nightly' }), code: 'SnapshotAlreadyExistsFault' },
  { name: 'a copy onto a name taken', action: CopySnapshot, input: copy({ TargetSnapshotName: 'sharded' }), code: 'SnapshotAlreadyExistsFault' },
  { name: 'a final snapshot onto a name taken', action: DeleteReplicationGroup, input: { ReplicationGroupId: 'orders', FinalSnapshotIdentifier: 'nightly' }, code: 'SnapshotAlreadyExistsFault' },
  { name: 'deleting a snapshot that does not exist', action: DeleteSnapshot, input: { SnapshotName: 'nope' }, code: 'SnapshotNotFoundFault' },
  { name: 'copying a snapshot that does not exist', action: CopySnapshot, input: copy({ SourceSnapshotName: 'nope' }), code: 'SnapshotNotFoundFault' },
  { name: 'restoring from a snapshot that does not exist', action: CreateReplicationGroup, input: restore({ SnapshotName: 'nope' }), code: 'SnapshotNotFoundFault' },
  { name: 'describing a snapshot that does not exist', action: DescribeSnapshots, input: { SnapshotName: 'nope' }, code: 'SnapshotNotFoundFault' },
  // Quotas and keys.
  { name: 'beyond the snapshot quota', action: CreateSnapshot, input: snap({ SnapshotName: 'one-too-many' }), code: 'SnapshotQuotaExceededFault', message: /at most 4/ },
  { name: 'a KmsKeyId that names no key', action: CreateSnapshot, input: snap({ KmsKeyId: 'alias/nope' }), code: IVP, message: /names no key/ },
  { name: 'KmsKeyId without encryption at rest', action: CreateReplicationGroup, input: restore({ KmsKeyId: 'alias/nope' }), code: IPC },
  { name: 'a tag key with the aws: prefix', action: CreateSnapshot, input: snap({ Tags: [{ Key: 'aws:x', Value: 'y' }] }), code: IVP },
  // Buckets and ARNs.
  { name: 'an export to a bucket name against S3\'s rules', action: CopySnapshot, input: copy({ TargetBucket: 'Not_A_Bucket' }), code: IVP },
  { name: 'an export over objects that exist', action: CopySnapshot, input: copy({ TargetSnapshotName: 'taken', TargetBucket: 'exports' }), code: IVP,
    message: /^The S3 bucket exports already contains an object with key taken-0001\.rdb\.$/ },
  { name: 'an export with a KmsKeyId', action: CopySnapshot, input: copy({ TargetBucket: 'exports', KmsKeyId: 'alias/x' }), code: IPC },
  { name: 'a SnapshotArns value that is no S3 ARN', action: CreateReplicationGroup, input: restore({ SnapshotArns: ['s3://imports/ok.rdb'] }), code: IVP },
  { name: 'a SnapshotArns object that does not exist', action: CreateReplicationGroup, input: restore({ SnapshotArns: ['arn:aws:s3:::imports/missing.rdb'] }), code: IVP, message: /does not exist/ },
  { name: 'SnapshotArns into cluster mode without slots', action: CreateReplicationGroup,
    input: restore({ SnapshotArns: [ARN_OK], CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 2 }), code: IPC,
    message: /^Slots must be provided when restoring from snapshot ARNs with cluster mode enabled\.$/ },
  { name: 'two RDB files into cluster mode disabled', action: CreateReplicationGroup,
    input: restore({ SnapshotArns: [ARN_OK, 'arn:aws:s3:::imports/ok2.rdb'] }), code: IPC },
  { name: 'both SnapshotName and SnapshotArns', action: CreateReplicationGroup, input: restore({ SnapshotName: 'nightly', SnapshotArns: [ARN_OK] }), code: IPC },
  // Cluster mode enabled into disabled.
  { name: 'a cluster-mode-enabled snapshot into a cluster-mode-disabled group', action: CreateReplicationGroup,
    input: restore({ SnapshotName: 'sharded', NumCacheClusters: 2 }), code: IPC, message: /cluster mode disabled/ },
  { name: 'a cluster-mode-enabled snapshot into a cache cluster', action: CreateCacheCluster,
    input: { CacheClusterId: 'restored-cluster', CacheNodeType: 'cache.t3.micro', SnapshotName: 'sharded' }, code: IPC },
  { name: 'a replica seeded from a snapshot', action: CreateCacheCluster, input: { CacheClusterId: 'orders-009', ReplicationGroupId: 'orders', SnapshotName: 'nightly' }, code: IPC },
  { name: 'a final snapshot of a group member', action: DeleteCacheCluster, input: { CacheClusterId: 'orders-002', FinalSnapshotIdentifier: 'member-final' }, code: IPC },
  // Automatic backup settings.
  { name: 'a retention of 36 days', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'orders', SnapshotRetentionLimit: 36 }, code: IVP },
  { name: 'a window of 30 minutes', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'orders', SnapshotWindow: '03:00-03:30' }, code: IVP, message: /at least 60 minutes/ },
  { name: 'DescribeSnapshots MaxRecords 10', action: DescribeSnapshots, input: { MaxRecords: 10 }, code: IVP },
];

test(`${BAD.length} bad snapshot requests get ElastiCache's errors and change nothing`, async () => {
  assert.ok(BAD.length >= 20);
  t = await snapshotServices({ config: { snapshotQuota: 4 } });
  await group(t, 'orders');
  await availableSnapshot(t, 'orders', 'nightly');
  await shardedGroup(t, 'shop', 2);
  await availableSnapshot(t, 'shop', 'sharded');
  await cluster(t, 'solo');
  await t.call(CreateSnapshot, { CacheClusterId: 'solo', SnapshotName: 'busy' }); // solo is snapshotting
  await group(t, 'snapping');
  await t.call(CreateSnapshot, { ReplicationGroupId: 'snapping', SnapshotName: 'snapping-now' }); // the quota (4) is reached
  await cluster(t, 'rebooting');
  await setClusterStatus(t.store, 'rebooting', (c) => { c.status = 'rebooting cache cluster nodes'; });
  await t.call(CreateReplicationGroup, { ReplicationGroupId: 'fresh', ReplicationGroupDescription: 'd', CacheNodeType: 'cache.t3.micro' });
  await setGroupStatus(t.store, 'fresh', (g) => { g.status = 'creating'; });
  for (const [bucket, key] of [['exports', 'taken-0001.rdb'], ['imports', 'ok.rdb'], ['imports', 'ok2.rdb']] as const) {
    await t.io.storage.bucket(bucket).put(key, Readable.from([Buffer.from('REDIS0011')]));
  }
  for (const c of BAD) {
    const err = await assertFaultChangesNothing(t.svc, () => t!.call(c.action, c.input), c.code).catch((e: Error) => {
      throw new Error(`${c.name}: ${e.message}`);
    });
    if (c.message) assert.match(err.message, c.message, c.name);
  }
});
