// The codec against the real clients: botocore's own QueryParser / QuerySerializer (run through
// the machine's python3) and the JS SDK's aws_query protocol (with an in-process request handler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateReplicationGroupCommand, DescribeCacheParametersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { decodeInput, parseQueryString } from './query-decode.js';
import { encodeError, encodeResult } from './xml-encode.js';
import { botocore, norm, offlineClient, skipWithoutBotocore as skip } from './test-clients.js';
import { sampleCacheParameters, sampleReplicationGroups } from './test-fixtures.js';

const createInput = {
  ReplicationGroupId: 'rg-1',
  ReplicationGroupDescription: 'a&b=c+d %20 ü 🚀 <x>',
  AutomaticFailoverEnabled: true,
  MultiAZEnabled: false,
  NumNodeGroups: 2,
  ReplicasPerNodeGroup: 1,
  Port: 6380,
  PreferredCacheClusterAZs: ['us-east-1a', 'us-east-1b'],
  NodeGroupConfiguration: [
    { NodeGroupId: '0001', Slots: '0-8191', ReplicaCount: 1, ReplicaAvailabilityZones: ['us-east-1c'] },
    { NodeGroupId: '0002', ReplicaAvailabilityZones: [] },
  ],
  SecurityGroupIds: ['sg-1'],
  Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'empty', Value: '' }],
  LogDeliveryConfigurations: [{ LogType: 'slow-log', DestinationType: 'cloudwatch-logs', LogFormat: 'json', Enabled: true,
    DestinationDetails: { CloudWatchLogsDetails: { LogGroup: 'lg' } } }],
  TransitEncryptionEnabled: true,
  NetworkType: 'ipv4',
} as const;

test('botocore parses DescribeReplicationGroups, DescribeCacheParameters and an error exactly', { skip }, () => {
  const groups = sampleReplicationGroups(3);
  const params = sampleCacheParameters();
  const [g, p, e] = botocore('elasticache', [
    { mode: 'parse', op: 'DescribeReplicationGroups', xml: encodeResult('DescribeReplicationGroups', groups, 'rid-1'), status: 200 },
    { mode: 'parse', op: 'DescribeCacheParameters', xml: encodeResult('DescribeCacheParameters', params, 'rid-2'), status: 200 },
    { mode: 'parse', op: 'DescribeReplicationGroups',
      xml: encodeError({ code: 'ReplicationGroupNotFoundFault', message: 'Replication group <x> not found.', senderFault: true }, 'rid-3'), status: 404 },
  ]) as Array<Record<string, unknown>>;
  assert.equal((g.ResponseMetadata as { RequestId: string }).RequestId, 'rid-1');
  delete g.ResponseMetadata;
  assert.deepEqual(g, norm(groups));
  assert.equal((p.ResponseMetadata as { RequestId: string }).RequestId, 'rid-2');
  delete p.ResponseMetadata;
  assert.deepEqual(p, norm(params));
  assert.deepEqual(e.Error, { Type: 'Sender', Code: 'ReplicationGroupNotFoundFault', Message: 'Replication group <x> not found.' });
  assert.equal((e.ResponseMetadata as { RequestId: string }).RequestId, 'rid-3');
});

test('botocore-serialized requests decode to the original input', { skip }, () => {
  const eventsInput = { StartTime: { $iso: '2024-01-02T03:04:05.123456+00:00' }, EndTime: { $iso: '2024-01-03T00:00:00+00:00' }, MaxRecords: 20 };
  const subnetInput = { CacheSubnetGroupName: 'sg', CacheSubnetGroupDescription: 'd', SubnetIds: [] };
  const [create, events, subnet] = botocore('elasticache', [
    { mode: 'serialize', op: 'CreateReplicationGroup', params: createInput },
    { mode: 'serialize', op: 'DescribeEvents', params: eventsInput },
    { mode: 'serialize', op: 'CreateCacheSubnetGroup', params: subnetInput },
  ]) as string[];
  assert.match(create, /^Action=CreateReplicationGroup&Version=2015-02-02&/);
  assert.deepEqual(decodeInput('CreateReplicationGroup', parseQueryString(create)), createInput);
  assert.deepEqual(decodeInput('DescribeEvents', parseQueryString(events)),
    { StartTime: new Date('2024-01-02T03:04:05.123Z'), EndTime: new Date('2024-01-03T00:00:00Z'), MaxRecords: 20 });
  assert.ok(subnet.includes('SubnetIds=&') || subnet.endsWith('SubnetIds='), subnet);
  assert.deepEqual(decodeInput('CreateCacheSubnetGroup', parseQueryString(subnet)), subnetInput);
});

test('JS SDK: requests decode to the original input; responses parse back exactly', async () => {
  const groups = sampleReplicationGroups(2);
  const params = sampleCacheParameters();
  let sent = '';
  const client = offlineClient(ElastiCacheClient, (body) => {
    sent = body;
    const action = new URLSearchParams(body).get('Action')!;
    if (action === 'CreateReplicationGroup') return { status: 200, xml: encodeResult(action, { ReplicationGroup: groups.ReplicationGroups![0] }, 'rid') };
    if (action === 'DescribeCacheParameters') return { status: 200, xml: encodeResult(action, params, 'rid') };
    return { status: 200, xml: encodeResult(action, groups, 'rid') };
  });
  const created = await client.send(new CreateReplicationGroupCommand(structuredClone(createInput) as never));
  assert.deepEqual(decodeInput('CreateReplicationGroup', parseQueryString(sent)), createInput);
  assert.deepEqual(norm(created.ReplicationGroup), norm(groups.ReplicationGroups![0]));

  const described = await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'rg-0', MaxRecords: 50 }));
  assert.deepEqual(decodeInput('DescribeReplicationGroups', parseQueryString(sent)), { ReplicationGroupId: 'rg-0', MaxRecords: 50 });
  assert.equal(described.$metadata.requestId, 'rid');
  const { $metadata: _m, ...rest } = described;
  assert.deepEqual(norm(rest), norm(groups));

  const p = await client.send(new DescribeCacheParametersCommand({ CacheParameterGroupName: 'default.redis7' }));
  const { $metadata: _p, ...prest } = p;
  assert.deepEqual(norm(prest), norm(params));
});

test('JS SDK: error responses surface code, message and status', async () => {
  const client = offlineClient(ElastiCacheClient, () => ({
    status: 404, xml: encodeError({ code: 'ReplicationGroupNotFoundFault', message: 'Replication group rg-x not found.', senderFault: true }, 'rid'),
  }));
  await assert.rejects(client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'rg-x' })), (e: Record<string, any>) => {
    assert.equal(e.name, 'ReplicationGroupNotFoundFault');
    assert.equal(e.message, 'Replication group rg-x not found.');
    assert.equal(e.$metadata.httpStatusCode, 404);
    assert.equal(e.$fault, 'client');
    return true;
  });
});
