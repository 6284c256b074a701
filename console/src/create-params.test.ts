import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { createParams, EMPTY_CREATE, fieldOfError } from './create-params.js';

test("the form's parameters decode with the API's own Query decoder", () => {
  const input = decodeInput('CreateReplicationGroup', Object.entries(createParams({
    ...EMPTY_CREATE, name: 'web', clusterMode: true, shards: '3', replicas: '2', securityGroups: 'sg-1, sg-2',
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
});
