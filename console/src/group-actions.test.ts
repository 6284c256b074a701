import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import type { ReplicationGroup } from './types.js';
import { fieldOfSnapshotError } from './snapshots.js';
import {
  AUTH_FIELDS, authTokenParams, DELETE_FIELDS, deleteParams, MODIFY_FIELDS, modifyParams, modifyValuesOf, rebootParams,
  REPLICA_FIELDS, replicaChange, replicaCount, RESHARD_FIELDS, reshardingProgress, reshardParams,
} from './group-actions.js';

const GROUP: ReplicationGroup = {
  ReplicationGroupId: 'web', CacheNodeType: 'cache.t3.micro', SnapshotRetentionLimit: 0, SnapshotWindow: '05:00-06:00',
  TransitEncryptionEnabled: false, MemberClusters: ['web-001', 'web-002'],
  NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: [{ CacheClusterId: 'web-001' }, { CacheClusterId: 'web-002' }] }],
};
const SHARDED: ReplicationGroup = {
  ReplicationGroupId: 'big', ClusterEnabled: true,
  NodeGroups: ['0003', '0001', '0002'].map((id) => ({ NodeGroupId: id, NodeGroupMembers: [{ CacheClusterId: `big-${id}-001` }] })),
};
const decode = (action: string, p: Record<string, string>) => decodeInput(action, Object.entries(p));

test('modify sends only what changed, and decodes with the API\'s own Query decoder', () => {
  const v = { ...modifyValuesOf(GROUP), nodeType: 'cache.t3.small', transitMode: 'preferred', snapshotRetention: '3', maintenanceWindow: 'sun:03:00-sun:04:00' };
  assert.deepEqual(decode('ModifyReplicationGroup', modifyParams(GROUP, v)), {
    ReplicationGroupId: 'web', ApplyImmediately: true, CacheNodeType: 'cache.t3.small', TransitEncryptionEnabled: true,
    TransitEncryptionMode: 'preferred', PreferredMaintenanceWindow: 'sun:03:00-sun:04:00', SnapshotRetentionLimit: 3,
  });
  assert.deepEqual(decode('ModifyReplicationGroup', modifyParams(GROUP, { ...modifyValuesOf(GROUP), applyImmediately: false })),
    { ReplicationGroupId: 'web', ApplyImmediately: false }, 'the form as loaded changes nothing (the API then says so)');
  const tls = { ...GROUP, TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' as const };
  assert.equal(modifyParams(tls, { ...modifyValuesOf(tls), transitMode: 'preferred' }).TransitEncryptionMode, undefined, 'its mode already');
  assert.equal(modifyParams(tls, { ...modifyValuesOf(tls), transitMode: 'required' }).TransitEncryptionMode, 'required');
});

test('replicas: Increase or Decrease to the wanted count, nothing when it is the same', () => {
  assert.equal(replicaCount(GROUP), 1);
  const up = replicaChange(GROUP, 2)!;
  assert.equal(up.action, 'IncreaseReplicaCount');
  assert.deepEqual(decode(up.action, up.params), { ReplicationGroupId: 'web', NewReplicaCount: 2, ApplyImmediately: true });
  assert.equal(replicaChange(GROUP, 0)!.action, 'DecreaseReplicaCount');
  assert.equal(replicaChange(GROUP, 1), undefined);
  assert.equal(replicaChange(GROUP, Number.NaN), undefined);
});

test('reshard: more shards by count; fewer name the highest-numbered ones to remove', () => {
  assert.deepEqual(decode('ModifyReplicationGroupShardConfiguration', reshardParams(SHARDED, '5')),
    { ReplicationGroupId: 'big', NodeGroupCount: 5, ApplyImmediately: true });
  assert.deepEqual(decode('ModifyReplicationGroupShardConfiguration', reshardParams(SHARDED, '1')),
    { ReplicationGroupId: 'big', NodeGroupCount: 1, ApplyImmediately: true, NodeGroupsToRemove: ['0002', '0003'] });
  assert.equal(reshardingProgress(SHARDED), undefined);
  assert.equal(reshardingProgress({ ...SHARDED, PendingModifiedValues: { Resharding: { SlotMigration: { ProgressPercentage: 41.26 } } } }), 41.3);
});

test('reboot, AUTH token rotation and delete decode as their actions', () => {
  assert.deepEqual(decode('RebootCacheCluster', rebootParams('web-002')), { CacheClusterId: 'web-002', CacheNodeIdsToReboot: ['0001'] });
  assert.deepEqual(decode('ModifyReplicationGroup', authTokenParams(GROUP, 'a-new-token-0123456789', 'ROTATE')),
    { ReplicationGroupId: 'web', AuthToken: 'a-new-token-0123456789', AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true });
  assert.equal(authTokenParams(GROUP, 'x', 'SET').AuthTokenUpdateStrategy, 'SET');
  assert.deepEqual(decode('DeleteReplicationGroup', deleteParams(GROUP, ' web-final ')), { ReplicationGroupId: 'web', FinalSnapshotIdentifier: 'web-final' });
  assert.deepEqual(decode('DeleteReplicationGroup', deleteParams(GROUP, '')), { ReplicationGroupId: 'web' });
});

test("the API's messages land beside the field they name (the messages of src/security/auth-token.ts, resources/modify.ts …)", () => {
  assert.equal(fieldOfSnapshotError(AUTH_FIELDS, 'Invalid AuthToken: it must be between 16 and 128 characters long (got 5).'), 'token');
  assert.equal(fieldOfSnapshotError(MODIFY_FIELDS, 'Invalid SnapshotRetentionLimit 99: it must be between 0 and 35 days.'), 'snapshotRetention');
  assert.equal(fieldOfSnapshotError(MODIFY_FIELDS, 'No modifications were requested.'), undefined);
  assert.equal(fieldOfSnapshotError(DELETE_FIELDS, 'Snapshot x already exists.', 'SnapshotAlreadyExistsFault'), 'finalSnapshot');
  assert.equal(fieldOfSnapshotError(REPLICA_FIELDS, 'NewReplicaCount must be between 0 and 5 (got 9).'), 'replicas');
  assert.equal(fieldOfSnapshotError(RESHARD_FIELDS, 'NodeGroupCount must be between 1 and 90 (got 0).'), 'shards');
});
