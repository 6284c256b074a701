import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { createParams, EMPTY_CREATE, fieldOfError } from './create-params.js';

test("the form's parameters decode with the API's own Query decoder", () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(createParams({
    ...EMPTY_CREATE, name: 'web', clusterMode: true, shards: '3', replicas: '2', securityGroups: ['sg-1', 'sg-2'],
    inTransit: true, authToken: 'a-long-enough-token-1234', tags: 'team=web\nowner = ops', snapshotRetention: '7', snapshotWindow: '03:00-04:00',
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
