import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elasticacheResources } from './resources.js';

const scope = { region: 'us-east-1', accountId: '123456789012' };
const arn = (type: string, id: string) => `arn:aws:elasticache:us-east-1:123456789012:${type}:${id}`;

test('the primary resource comes from the noun of the action, lowercased', () => {
  assert.deepEqual(elasticacheResources('ModifyReplicationGroup', { ReplicationGroupId: 'My-RG' }, scope), [arn('replicationgroup', 'my-rg')]);
  assert.deepEqual(elasticacheResources('DescribeReplicationGroups', {}, scope), ['*']);
  assert.deepEqual(elasticacheResources('AddTagsToResource', { ResourceName: arn('cluster', 'c1') }, scope), [arn('cluster', 'c1')]);
  assert.deepEqual(elasticacheResources('DeleteSnapshot', { SnapshotName: 's1' }, scope), [arn('snapshot', 's1')]);
});

test('a create names its parameter group, subnet group, user groups and snapshot too', () => {
  const got = elasticacheResources('CreateReplicationGroup', {
    ReplicationGroupId: 'rg', CacheParameterGroupName: 'team-a', CacheSubnetGroupName: 'sub',
    UserGroupIds: ['ug1', 'ug2'], SnapshotName: 'snap',
  }, scope);
  assert.deepEqual(got, [arn('replicationgroup', 'rg'), arn('parametergroup', 'team-a'), arn('subnetgroup', 'sub'),
    arn('usergroup', 'ug1'), arn('usergroup', 'ug2'), arn('snapshot', 'snap')]);
});

test('snapshots name their source, deletes their final snapshot, user groups their users', () => {
  assert.deepEqual(elasticacheResources('CreateSnapshot', { SnapshotName: 's', ReplicationGroupId: 'rg' }, scope),
    [arn('snapshot', 's'), arn('replicationgroup', 'rg')]);
  assert.deepEqual(elasticacheResources('CopySnapshot', { SourceSnapshotName: 'a', TargetSnapshotName: 'b' }, scope),
    [arn('snapshot', 'a'), arn('snapshot', 'b')]);
  assert.deepEqual(elasticacheResources('DeleteReplicationGroup', { ReplicationGroupId: 'rg', FinalSnapshotIdentifier: 'last' }, scope),
    [arn('replicationgroup', 'rg'), arn('snapshot', 'last')]);
  assert.deepEqual(elasticacheResources('ModifyUserGroup', { UserGroupId: 'ug', UserIdsToAdd: ['u1'], UserIdsToRemove: ['u2'] }, scope),
    [arn('usergroup', 'ug'), arn('user', 'u1'), arn('user', 'u2')]);
});

test('a point-in-time restore names its source group (a tag); the restore windows name their group', () => {
  assert.deepEqual(elasticacheResources('CreateReplicationGroup', {
    ReplicationGroupId: 'back', Tags: [{ Key: 'team', Value: 'a' }, { Key: 'cachefleet:restore-source-group', Value: 'Orders' }],
  }, scope), [arn('replicationgroup', 'back'), arn('replicationgroup', 'orders')]);
  assert.deepEqual(elasticacheResources('DescribePointInTimeRestoreWindows', { ReplicationGroupId: 'orders' }, scope), [arn('replicationgroup', 'orders')]);
});

test('ListAllowedNodeTypeModifications acts on the cluster or the replication group it names', () => {
  assert.deepEqual(elasticacheResources('ListAllowedNodeTypeModifications', { CacheClusterId: 'C1' }, scope), [arn('cluster', 'c1')]);
  assert.deepEqual(elasticacheResources('ListAllowedNodeTypeModifications', { ReplicationGroupId: 'RG' }, scope), [arn('replicationgroup', 'rg')]);
});
