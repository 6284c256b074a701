import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import type { Snapshot } from './types.js';
import {
  confirmsName, COPY_SNAPSHOT_FIELDS, CREATE_SNAPSHOT_FIELDS, fieldOfSnapshotError, restoreParams, RESTORE_FIELDS, snapshotSize, snapshotTime,
} from './snapshots.js';

const GROUP_SNAPSHOT: Snapshot = {
  SnapshotName: 'nightly', ReplicationGroupId: 'web', SnapshotStatus: 'available', SnapshotSource: 'manual',
  CacheNodeType: 'cache.t3.small', Engine: 'redis', EngineVersion: '7.0', NumNodeGroups: 1, AutomaticFailover: 'enabled',
  NodeSnapshots: [{ CacheClusterId: 'web-001', CacheNodeId: '0001', CacheSize: '3 MB', SnapshotCreateTime: '2026-12-05T08:00:00.000Z',
    NodeGroupConfiguration: { NodeGroupId: '0001', ReplicaCount: 2 } }],
};

const CLUSTER_SNAPSHOT: Snapshot = {
  SnapshotName: 'sharded', ReplicationGroupId: 'big', SnapshotStatus: 'available', SnapshotSource: 'automated',
  CacheNodeType: 'cache.r7g.large', Engine: 'redis', EngineVersion: '7.1', NumNodeGroups: 3, AutomaticFailover: 'enabled',
  NodeSnapshots: ['0001', '0002', '0003'].map((id, i) => ({ NodeGroupId: id, CacheSize: `${i + 1} MB`,
    SnapshotCreateTime: `2026-12-05T08:00:0${3 - i}.000Z`, NodeGroupConfiguration: { NodeGroupId: id, ReplicaCount: 1 } })),
};

test("a restore asks for the snapshot's node type and shape, and decodes with the API's own Query decoder", () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(restoreParams(GROUP_SNAPSHOT,
    { groupId: ' web-restored ', inTransit: true, authToken: 'a-long-enough-token-1234' })));
  assert.deepEqual(input, {
    ReplicationGroupId: 'web-restored', ReplicationGroupDescription: 'Restored from snapshot nightly', SnapshotName: 'nightly',
    ReplicasPerNodeGroup: 2, Engine: 'redis', EngineVersion: '7.0', CacheNodeType: 'cache.t3.small',
    AutomaticFailoverEnabled: true, MultiAZEnabled: true, TransitEncryptionEnabled: true, AuthToken: 'a-long-enough-token-1234',
  });
});

test('a restore of a cluster-mode snapshot asks for cluster mode and as many shards; no TLS unless asked', () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(restoreParams(CLUSTER_SNAPSHOT, { groupId: 'big2', inTransit: false, authToken: '' })));
  assert.deepEqual(input, {
    ReplicationGroupId: 'big2', ReplicationGroupDescription: 'Restored from snapshot sharded', SnapshotName: 'sharded',
    ReplicasPerNodeGroup: 1, Engine: 'redis', EngineVersion: '7.1', CacheNodeType: 'cache.r7g.large',
    ClusterMode: 'enabled', NumNodeGroups: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true,
  });
  const single = restoreParams({ ...GROUP_SNAPSHOT, AutomaticFailover: 'disabled', NodeSnapshots: [{ CacheClusterId: 'web-001' }] },
    { groupId: 'one', inTransit: false, authToken: '' });
  assert.equal(single.ReplicasPerNodeGroup, '0');
  assert.equal(single.AutomaticFailoverEnabled, undefined, 'no failover setting for a group of one node');
});

test("a snapshot's size sums its shards, and its time is its first shard's", () => {
  assert.equal(snapshotSize(GROUP_SNAPSHOT), '3 MB');
  assert.equal(snapshotSize(CLUSTER_SNAPSHOT), '6 MB');
  assert.equal(snapshotSize({ NodeSnapshots: [{ CacheClusterId: 'x' }] }), undefined, 'none while being created');
  assert.equal(snapshotTime(CLUSTER_SNAPSHOT), '2026-12-05T08:00:01.000Z');
  assert.equal(snapshotTime({}), undefined);
});

test("the API's messages are shown beside the field whose parameter they name (else for the whole form)", () => {
  // The messages CreateSnapshot, CopySnapshot and CreateReplicationGroup answer (src/resources/naming.ts, snapshots).
  assert.equal(fieldOfSnapshotError(CREATE_SNAPSHOT_FIELDS, "Invalid SnapshotName '1bad': it must begin with a letter."), 'name');
  assert.equal(fieldOfSnapshotError(CREATE_SNAPSHOT_FIELDS, 'Snapshot x already exists.', 'SnapshotAlreadyExistsFault'), 'name');
  assert.equal(fieldOfSnapshotError(CREATE_SNAPSHOT_FIELDS, 'Replication group web is modifying; a snapshot can be taken only while it is available.',
    'InvalidReplicationGroupStateFault'), undefined);
  assert.equal(fieldOfSnapshotError(COPY_SNAPSHOT_FIELDS, "Invalid TargetSnapshotName 'a--b': it must not contain two consecutive hyphens."), 'target');
  assert.equal(fieldOfSnapshotError(RESTORE_FIELDS, 'Replication group web already exists.', 'ReplicationGroupAlreadyExistsFault'), 'groupId');
  assert.equal(fieldOfSnapshotError(RESTORE_FIELDS, 'AuthToken can be specified only when TransitEncryptionEnabled is true.'), 'authToken');
});

test('a delete is confirmed only by typing the exact name', () => {
  assert.equal(confirmsName('nightly', 'nightly'), true);
  assert.equal(confirmsName(' nightly ', 'nightly'), true);
  assert.equal(confirmsName('Nightly', 'nightly'), false);
  assert.equal(confirmsName('', ''), false);
  assert.equal(confirmsName('x', undefined), false);
});
