import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeError, encodeResult, escapeXml } from './xml-encode.js';
import { sampleReplicationGroups } from './test-fixtures.js';

const NS = 'http://elasticache.amazonaws.com/doc/2015-02-02/';

test('envelope: {Op}Response with result wrapper and ResponseMetadata', () => {
  const xml = encodeResult('DescribeCacheSubnetGroups', { CacheSubnetGroups: [] }, 'req-1');
  assert.equal(xml, `<DescribeCacheSubnetGroupsResponse xmlns="${NS}"><DescribeCacheSubnetGroupsResult><CacheSubnetGroups/>` +
    '</DescribeCacheSubnetGroupsResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeCacheSubnetGroupsResponse>');
});

test('operations without an output shape carry only ResponseMetadata', () => {
  assert.equal(encodeResult('DeleteCacheSubnetGroup', undefined, 'r'),
    `<DeleteCacheSubnetGroupResponse xmlns="${NS}"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteCacheSubnetGroupResponse>`);
});

test('nested lists use the member locationName or "member"; structures, ints, booleans, timestamps', () => {
  const xml = encodeResult('DescribeReplicationGroups', sampleReplicationGroups(1), 'r');
  const expectParts = [
    '<ReplicationGroups><ReplicationGroup><ReplicationGroupId>rg-0</ReplicationGroupId>',
    '<MemberClusters><ClusterId>rg-0-001</ClusterId><ClusterId>rg-0-002</ClusterId></MemberClusters>',
    '<NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>' +
      '<PrimaryEndpoint><Address>rg-0.primary.local</Address><Port>6379</Port></PrimaryEndpoint>',
    '<NodeGroupMembers><NodeGroupMember><CacheClusterId>rg-0-001</CacheClusterId><CacheNodeId>0001</CacheNodeId>' +
      '<ReadEndpoint><Address>127.0.0.1</Address><Port>7000</Port></ReadEndpoint>',
    '<ClusterEnabled>false</ClusterEnabled>', '<AuthTokenEnabled>true</AuthTokenEnabled>', '<SnapshotRetentionLimit>0</SnapshotRetentionLimit>',
    '<AuthTokenLastModifiedDate>2024-01-02T03:04:05.678Z</AuthTokenLastModifiedDate>',
    '<ReplicationGroupCreateTime>2023-12-31T23:59:59.000Z</ReplicationGroupCreateTime>',
    '<UserGroupIds/>',
    // botocore reads this member under the list shape's locationName, the JS SDK under the member name
    '<LogDeliveryConfigurations><member><LogType>slow-log</LogType>',
    '<PendingLogDeliveryConfiguration><member><LogType>slow-log</LogType>',
  ];
  for (const part of expectParts) assert.ok(xml.includes(part), `missing ${part}`);
  assert.ok(!xml.includes('<Marker'), 'undefined members are omitted');
});

test('escaping of text, \\r and characters XML cannot carry', () => {
  assert.equal(escapeXml(`a<b>&"c"'\r\n\u0001\u0007z`), `a&lt;b&gt;&amp;"c"'&#xD;\nz`);
  assert.equal(escapeXml('plain ünïcode 🚀'), 'plain ünïcode 🚀');
  const xml = encodeResult('DescribeReplicationGroups', sampleReplicationGroups(1), 'r');
  assert.ok(xml.includes('<Description>group &lt;0&gt; &amp; "quotes" \'apos\' — ünïcode 🚀&#xD;\nline2</Description>'));
});

test('values of the wrong type are a server bug: TypeError naming the path', () => {
  assert.throws(() => encodeResult('DescribeReplicationGroups', { ReplicationGroups: [{ ClusterEnabled: 'yes' }] }, 'r'),
    /ReplicationGroups\[0\]\.ClusterEnabled/);
  assert.throws(() => encodeResult('DescribeReplicationGroups', { ReplicationGroups: {} }, 'r'), /expected an array/);
  assert.throws(() => encodeResult('DescribeReplicationGroups', { ReplicationGroups: [{ ReplicationGroupCreateTime: new Date(NaN) }] }, 'r'),
    /ReplicationGroupCreateTime/);
});

test('lenient scalar forms: ISO strings for timestamps, numeric strings for integers; extra properties ignored', () => {
  const xml = encodeResult('DescribeReplicationGroups', {
    ReplicationGroups: [{ ReplicationGroupCreateTime: '2024-05-06T07:08:09Z', SnapshotRetentionLimit: '3', internalField: { x: 1 } }],
  }, 'r');
  assert.ok(xml.includes('<ReplicationGroupCreateTime>2024-05-06T07:08:09.000Z</ReplicationGroupCreateTime>'));
  assert.ok(xml.includes('<SnapshotRetentionLimit>3</SnapshotRetentionLimit>'));
  assert.ok(!xml.includes('internalField'));
});

test('error response layout', () => {
  assert.equal(encodeError({ code: 'ReplicationGroupNotFoundFault', message: 'Group <x> not found', senderFault: true }, 'r-9'),
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ReplicationGroupNotFoundFault</Code>` +
    '<Message>Group &lt;x&gt; not found</Message></Error><RequestId>r-9</RequestId></ErrorResponse>');
  assert.ok(encodeError({ code: 'InternalFailure', message: 'm', senderFault: false }, 'r').includes('<Type>Receiver</Type>'));
});

test('describing 100 replication groups serializes in a few milliseconds', () => {
  const data = sampleReplicationGroups(100);
  for (let i = 0; i < 20; i++) encodeResult('DescribeReplicationGroups', data, 'warmup');
  // The fastest of many runs: other test files run in parallel, so a mean would measure them too.
  let best = Infinity;
  let size = 0;
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    size = encodeResult('DescribeReplicationGroups', data, 'r').length;
    best = Math.min(best, performance.now() - t0);
  }
  const perCall = best;
  assert.ok(size > 100_000);
  assert.ok(perCall < 5, `took ${perCall.toFixed(2)} ms per call`);
});
