import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { createParams, EMPTY_CREATE, fieldOfError, missingChoices } from './create-params.js';

test("the form's parameters decode with the API's own Query decoder", () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(createParams({
    ...EMPTY_CREATE, name: 'web', clusterMode: true, shards: '3', replicas: '2', securityGroups: ['sg-1', 'sg-2'],
    inTransit: true, access: 'token', authToken: 'a-long-enough-token-1234', tags: 'team=web\nowner = ops', snapshotRetention: '7', snapshotWindow: '03:00-04:00',
  })));
  assert.deepEqual(input, {
    ReplicationGroupId: 'web', ReplicationGroupDescription: 'web', Engine: 'redis', CacheNodeType: 'cache.t3.micro',
    ReplicasPerNodeGroup: 2, ClusterMode: 'enabled', NumNodeGroups: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true,
    SecurityGroupIds: ['sg-1', 'sg-2'], SnapshotRetentionLimit: 7, SnapshotWindow: '03:00-04:00',
    TransitEncryptionEnabled: true, TransitEncryptionMode: 'required', AuthToken: 'a-long-enough-token-1234',
    Tags: [{ Key: 'team', Value: 'web' }, { Key: 'owner', Value: 'ops' }],
  });
});

test('an API error is shown beside the field whose parameter it names first', () => {
  assert.equal(fieldOfError('Invalid value "x" for parameter NumNodeGroups: must be an integer'), 'shards');
  assert.equal(fieldOfError('ReplicasPerNodeGroup must be between 0 and 5 (got 9).'), 'replicas');
  assert.equal(fieldOfError('The parameter ReplicationGroupId must begin with a letter.'), 'name');
  assert.equal(fieldOfError('Cache subnet group nope not found.'), undefined);
  assert.equal(fieldOfError('Cache subnet group nope not found.', 'CacheSubnetGroupNotFoundFault'), 'subnetGroup');
  // The API's messages about the pickers: an unknown security group, a parameter group whose
  // cluster-enabled does not suit the cluster mode chosen (either way round).
  assert.equal(fieldOfError('Some security group Id not recognized by EC2: sg-0', 'InvalidParameterValue'), 'securityGroups');
  assert.equal(fieldOfError('Several node groups need a parameter group with cluster-enabled yes (e.g. default.redis7.cluster.on); p has cluster-enabled no.',
    'InvalidParameterCombination'), 'parameterGroup');
  assert.equal(fieldOfError('Cache parameter group p has cluster-enabled yes but ClusterMode is disabled.', 'InvalidParameterCombination'), 'parameterGroup');
});

test('the pickers are sent as the API names them: the subnet group, every security group ticked, the parameter group', () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(createParams({
    ...EMPTY_CREATE, name: 'web', replicas: '0', subnetGroup: 'subnets-a', securityGroups: ['sg-0a', 'sg-0b'], parameterGroup: 'tuned',
  })));
  assert.deepEqual([input.CacheSubnetGroupName, input.SecurityGroupIds, input.CacheParameterGroupName], ['subnets-a', ['sg-0a', 'sg-0b'], 'tuned']);
  const none = decodeInput('CreateReplicationGroup', Object.entries(createParams({ ...EMPTY_CREATE, name: 'web' })));
  assert.deepEqual([none.CacheSubnetGroupName, none.SecurityGroupIds, none.CacheParameterGroupName], [undefined, undefined, undefined], 'defaults: none sent');
});

test('access control: only the one chosen is sent, a user group as UserGroupIds.member.1 (its members have no locationName)', () => {
  const withGroup = { ...EMPTY_CREATE, name: 'web', inTransit: true, access: 'userGroup' as const, userGroup: 'app-users', authToken: 'typed-before-switching-1234' };
  assert.equal(createParams(withGroup)['UserGroupIds.member.1'], 'app-users');
  const input = decodeInput('CreateReplicationGroup', Object.entries(createParams(withGroup)));
  assert.deepEqual([input.UserGroupIds, input.AuthToken], [['app-users'], undefined], 'the token typed before is not sent');
  const withToken = decodeInput('CreateReplicationGroup', Object.entries(createParams({ ...withGroup, access: 'token' })));
  assert.deepEqual([withToken.UserGroupIds, withToken.AuthToken], [undefined, 'typed-before-switching-1234']);
  const none = decodeInput('CreateReplicationGroup', Object.entries(createParams({ ...withGroup, access: 'none' })));
  assert.deepEqual([none.UserGroupIds, none.AuthToken], [undefined, undefined]);
});

test('a user group chosen as access control but none picked is said before asking the API', () => {
  assert.deepEqual(Object.keys(missingChoices({ ...EMPTY_CREATE, access: 'userGroup' })), ['userGroup']);
  assert.deepEqual(missingChoices({ ...EMPTY_CREATE, access: 'userGroup', userGroup: 'g' }), {});
  assert.deepEqual(missingChoices({ ...EMPTY_CREATE, access: 'token' }), {}, 'an empty token: the API says whether that is allowed');
});

test("the API's refusals of a user group are shown beside it", () => {
  assert.equal(fieldOfError('UserGroupIds: user groups (role-based access control) need TransitEncryptionEnabled true; create the replication group with TLS in transit.',
    'InvalidParameterCombination'), 'userGroup');
  assert.equal(fieldOfError('User group nope not found.', 'UserGroupNotFound'), 'userGroup');
  assert.equal(fieldOfError('User group g is creating; it can be attached only when active.', 'InvalidUserGroupStateFault'), 'userGroup');
});
