import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/index.js';
import { decodeInput, parseQueryString, parseTimestamp, MAX_VALUE_LENGTH } from './query-decode.js';

/** Decodes a body string the way the HTTP server does. */
const decode = (op: string, body: string) => decodeInput(op, parseQueryString(body));

function rejects(op: string, body: string, code: string, messagePart?: string | RegExp) {
  assert.throws(() => decode(op, body), (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof messagePart === 'string') assert.ok(e.message.includes(messagePart), e.message);
    else if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}

test('parseQueryString decodes +, percent escapes and keeps order', () => {
  assert.deepEqual(parseQueryString('Action=X&A=a+b%20c&B=%E2%9C%93&C&D=x%3Dy'), [
    ['Action', 'X'], ['A', 'a b c'], ['B', '✓'], ['C', ''], ['D', 'x=y'],
  ]);
  assert.deepEqual(parseQueryString(''), []);
});

test('parseQueryString rejects broken escapes and invalid UTF-8', () => {
  for (const bad of ['A=%ZZ', 'A=%E2%9C', 'A=%']) {
    assert.throws(() => parseQueryString(bad), (e: unknown) => e instanceof AwsError && e.code === 'MalformedQueryString');
  }
});

test('decodes scalars, lists of strings, lists of structures, nested lists', () => {
  const body = [
    'Action=CreateReplicationGroup', 'Version=2015-02-02',
    'ReplicationGroupId=rg-1', 'ReplicationGroupDescription=my+group',
    'AutomaticFailoverEnabled=true', 'MultiAZEnabled=false', 'NumNodeGroups=2', 'Port=6380',
    'PreferredCacheClusterAZs.AvailabilityZone.1=us-east-1a', 'PreferredCacheClusterAZs.AvailabilityZone.2=us-east-1b',
    'Tags.Tag.1.Key=env', 'Tags.Tag.1.Value=prod', 'Tags.Tag.2.Key=team', 'Tags.Tag.2.Value=',
    'NodeGroupConfiguration.NodeGroupConfiguration.1.NodeGroupId=0001',
    'NodeGroupConfiguration.NodeGroupConfiguration.1.ReplicaAvailabilityZones.AvailabilityZone.1=us-east-1c',
    'NodeGroupConfiguration.NodeGroupConfiguration.1.ReplicaCount=1',
    'NodeGroupConfiguration.NodeGroupConfiguration.2.NodeGroupId=0002',
    'NodeGroupConfiguration.NodeGroupConfiguration.2.ReplicaAvailabilityZones=',
    'LogDeliveryConfigurations.LogDeliveryConfigurationRequest.1.LogType=slow-log',
    'LogDeliveryConfigurations.LogDeliveryConfigurationRequest.1.DestinationDetails.CloudWatchLogsDetails.LogGroup=lg',
    'NetworkType=ipv4', 'SomethingUnknown=ignored', 'X-Amz-Date=20240101T000000Z',
  ].join('&');
  assert.deepEqual(decode('CreateReplicationGroup', body), {
    ReplicationGroupId: 'rg-1',
    ReplicationGroupDescription: 'my group',
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: false,
    NumNodeGroups: 2,
    Port: 6380,
    PreferredCacheClusterAZs: ['us-east-1a', 'us-east-1b'],
    Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: '' }],
    NodeGroupConfiguration: [
      { NodeGroupId: '0001', ReplicaAvailabilityZones: ['us-east-1c'], ReplicaCount: 1 },
      { NodeGroupId: '0002', ReplicaAvailabilityZones: [] },
    ],
    LogDeliveryConfigurations: [{ LogType: 'slow-log', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: 'lg' } } }],
    NetworkType: 'ipv4',
  });
});

test('list items are ordered by index, not by position in the body', () => {
  const out = decode('ModifyCacheParameterGroup',
    'CacheParameterGroupName=pg&ParameterNameValues.ParameterNameValue.2.ParameterName=b&ParameterNameValues.ParameterNameValue.2.ParameterValue=2' +
    '&ParameterNameValues.ParameterNameValue.1.ParameterName=a&ParameterNameValues.ParameterNameValue.1.ParameterValue=1');
  assert.deepEqual(out.ParameterNameValues, [{ ParameterName: 'a', ParameterValue: '1' }, { ParameterName: 'b', ParameterValue: '2' }]);
});

test('empty list marker (Name=) decodes to []; booleans accept any case', () => {
  assert.deepEqual(decode('CreateCacheSubnetGroup', 'CacheSubnetGroupName=a&CacheSubnetGroupDescription=d&SubnetIds='),
    { CacheSubnetGroupName: 'a', CacheSubnetGroupDescription: 'd', SubnetIds: [] });
  assert.equal(decode('CreateReplicationGroup', 'ReplicationGroupId=a&ReplicationGroupDescription=d&AtRestEncryptionEnabled=TRUE').AtRestEncryptionEnabled, true);
});

test('operations without input members and timestamps', () => {
  assert.deepEqual(decode('DescribeCacheSubnetGroups', 'Action=DescribeCacheSubnetGroups'), {});
  const out = decode('DescribeEvents', 'StartTime=2024-02-29T10%3A20%3A30.123456Z&EndTime=2024-03-01T00%3A00%3A00%2B02%3A00&Duration=60');
  assert.deepEqual(out, { StartTime: new Date('2024-02-29T10:20:30.123Z'), EndTime: new Date('2024-02-29T22:00:00Z'), Duration: 60 });
});

test('parseTimestamp accepts ISO 8601 forms and epoch seconds, rejects impossible dates', () => {
  assert.equal(parseTimestamp('2024-01-31T12:00:00Z')?.toISOString(), '2024-01-31T12:00:00.000Z');
  assert.equal(parseTimestamp('2024-01-31')?.toISOString(), '2024-01-31T00:00:00.000Z');
  assert.equal(parseTimestamp('2024-01-31T12:00:00-0130')?.toISOString(), '2024-01-31T13:30:00.000Z');
  assert.equal(parseTimestamp('1700000000')?.toISOString(), '2023-11-14T22:13:20.000Z');
  for (const bad of ['2024-02-30T00:00:00Z', '2024-13-01', '2024-01-01T24:00:00Z', 'yesterday', '']) {
    assert.equal(parseTimestamp(bad), undefined, bad);
  }
});

test('missing required members → MissingParameter naming the wire parameter', () => {
  rejects('CreateCacheSubnetGroup', 'CacheSubnetGroupName=a&SubnetIds.SubnetIdentifier.1=s', 'MissingParameter',
    'The request must contain the parameter CacheSubnetGroupDescription');
  rejects('DescribeUsers', 'Filters.member.1.Name=x', 'MissingParameter', 'Filters.member.1.Values');
});

test('type errors → InvalidParameterValue naming parameter and value', () => {
  rejects('DescribeCacheSubnetGroups', 'MaxRecords=abc', 'InvalidParameterValue', /"abc" for parameter MaxRecords/);
  rejects('DescribeCacheSubnetGroups', 'MaxRecords=1.5', 'InvalidParameterValue', 'MaxRecords');
  rejects('DescribeCacheSubnetGroups', 'MaxRecords=99999999999', 'InvalidParameterValue', 'MaxRecords');
  rejects('CreateReplicationGroup', 'ReplicationGroupId=a&ReplicationGroupDescription=d&MultiAZEnabled=yes', 'InvalidParameterValue', /"yes" for parameter MultiAZEnabled/);
  rejects('DescribeEvents', 'StartTime=last+week', 'InvalidParameterValue', /"last week" for parameter StartTime/);
});

test('enum, pattern, length and list-size constraints from the model', () => {
  rejects('CreateReplicationGroup', 'ReplicationGroupId=a&ReplicationGroupDescription=d&NetworkType=ipv5', 'InvalidParameterValue', 'one of: ipv4, ipv6, dual_stack');
  rejects('CreateUser', 'UserId=1bad&UserName=u&Engine=redis&AccessString=on', 'InvalidParameterValue', /pattern/);
  rejects('CreateUser', 'UserId=ok&UserName=&Engine=redis&AccessString=on', 'InvalidParameterValue', /at least 1/);
  rejects('CreateUser', 'UserId=ok&UserName=u&Engine=redis&AccessString=+++', 'InvalidParameterValue', 'AccessString');
  rejects('CreateUser', 'UserId=ok&UserName=u&Engine=redis&AccessString=on&Passwords=', 'InvalidParameterValue', 'at least 1 element');
  const many = Array.from({ length: 21 }, (_, i) => `ReplicationGroupIds.member.${i + 1}=rg${i}`).join('&');
  rejects('BatchApplyUpdateAction', `ServiceUpdateName=s&${many}`, 'InvalidParameterValue', 'at most 20');
  // nested members are validated too
  rejects('CreateReplicationGroup', 'ReplicationGroupId=a&ReplicationGroupDescription=d&NodeGroupConfiguration.NodeGroupConfiguration.1.NodeGroupId=abcde',
    'InvalidParameterValue', 'NodeGroupConfiguration.NodeGroupConfiguration.1.NodeGroupId');
});

test('list index gaps and garbage keys → InvalidParameterValue', () => {
  const base = 'ResourceName=arn';
  rejects('AddTagsToResource', `${base}&Tags.Tag.1.Key=a&Tags.Tag.3.Key=c`, 'InvalidParameterValue', 'Tags.Tag.2 is missing');
  rejects('AddTagsToResource', `${base}&Tags.Tag.x.Key=a`, 'InvalidParameterValue', 'Tags.Tag.x');
  rejects('AddTagsToResource', `${base}&Tags.Tag.0.Key=a`, 'InvalidParameterValue', 'not a list index');
  rejects('AddTagsToResource', `${base}&Tags.Tag.01.Key=a`, 'InvalidParameterValue', 'not a list index');
  rejects('AddTagsToResource', `${base}&Tags.member.1.Key=a`, 'InvalidParameterValue', 'Tags.Tag.N');
  rejects('AddTagsToResource', `${base}&Tags=notalist`, 'InvalidParameterValue', 'must be a list');
  rejects('AddTagsToResource', `${base}&Tags.Tag=x`, 'InvalidParameterValue', 'numbered');
  rejects('AddTagsToResource', `${base}&Tags.Tag.1=x`, 'InvalidParameterValue', 'must be a structure');
  rejects('AddTagsToResource', `${base}&Tags.Tag.1.Key.x=a`, 'InvalidParameterValue', 'single value');
  rejects('AddTagsToResource', `${base}&Tags.Tag..Key=a`, 'InvalidParameterValue', 'not a list index');
});

test('unknown members inside structures are ignored like unknown top-level parameters', () => {
  assert.deepEqual(decode('AddTagsToResource', 'ResourceName=arn&Tags.Tag.1.Key=a&Tags.Tag.1.Colour=red&Bogus.1.x=y'),
    { ResourceName: 'arn', Tags: [{ Key: 'a' }] });
});

test('huge values and huge lists are handled without crashing', () => {
  const big = 'x'.repeat(MAX_VALUE_LENGTH + 1);
  rejects('DescribeCacheSubnetGroups', `CacheSubnetGroupName=${big}`, 'InvalidParameterValue', 'too long');
  const ws = ' '.repeat(MAX_VALUE_LENGTH - 1);
  rejects('CreateUser', `UserId=ok&UserName=u&Engine=redis&AccessString=${encodeURIComponent(ws)}`, 'InvalidParameterValue', '…');
  const n = 20_000;
  const body = 'ResourceName=arn&' + Array.from({ length: n }, (_, i) => `Tags.Tag.${n - i}.Key=k${n - i}`).join('&');
  const out = decode('AddTagsToResource', body) as { Tags: Array<{ Key: string }> };
  assert.equal(out.Tags.length, n);
  assert.equal(out.Tags[0].Key, 'k1');
  assert.equal(out.Tags[n - 1].Key, `k${n}`);
});

test('prototype-ish names are neither operations nor members', () => {
  assert.throws(() => decodeInput('constructor', []), (e: unknown) => e instanceof AwsError && e.code === 'InvalidAction');
  assert.deepEqual(decode('DescribeCacheSubnetGroups', '__proto__.x=1&constructor=2'), {});
});
