// The codec against the real clients: botocore's own QueryParser / QuerySerializer (run through
// the machine's python3) and the JS SDK's aws_query protocol (with an in-process request handler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  CreateReplicationGroupCommand, DescribeCacheParametersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient,
  type ElastiCacheClientConfig,
} from '@aws-sdk/client-elasticache';
import { decodeInput, parseQueryString } from './query-decode.js';
import { encodeError, encodeResult } from './xml-encode.js';
import { sampleCacheParameters, sampleReplicationGroups } from './test-fixtures.js';

const PY = String.raw`
import sys, json, datetime
from urllib.parse import urlencode
import botocore.session, botocore.parsers, botocore.serialize
model = botocore.session.get_session().get_service_model('elasticache')
def to_json(o):
    if isinstance(o, datetime.datetime): return {'$ts': round(o.timestamp() * 1000)}
    raise TypeError(repr(o))
def from_json(o):
    if isinstance(o, dict):
        if '$iso' in o: return datetime.datetime.fromisoformat(o['$iso'])
        return {k: from_json(v) for k, v in o.items()}
    if isinstance(o, list): return [from_json(v) for v in o]
    return o
out = []
for case in json.load(sys.stdin):
    op = model.operation_model(case['op'])
    if case['mode'] == 'parse':
        resp = {'body': case['xml'].encode('utf-8'), 'status_code': case['status'], 'headers': {}}
        out.append(botocore.parsers.create_parser('query').parse(resp, op.output_shape))
    else:
        req = botocore.serialize.create_serializer('query').serialize_to_request(from_json(case['params']), op)
        # the same encoding botocore's AWSRequestPreparer applies to a dict body
        out.append(urlencode(list(req['body'].items()), doseq=True))
print(json.dumps(out, default=to_json))
`;

const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
const skip = hasBotocore ? false : 'python3 with botocore is not available';

type PyCase = { mode: 'parse'; op: string; xml: string; status: number } | { mode: 'serialize'; op: string; params: unknown };

function botocore(cases: PyCase[]): unknown[] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

/** Comparable form: Dates → {$ts: ms}, undefined members dropped. */
function norm(v: unknown): unknown {
  if (v instanceof Date) return { $ts: v.getTime() };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, norm(x)]));
  }
  return v;
}

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
  const [g, p, e] = botocore([
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
  const [create, events, subnet] = botocore([
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

/** A JS SDK client whose transport hands the request body to `respond` instead of the network. */
function offlineClient(respond: (body: string) => { status: number; xml: string }) {
  const requestHandler = {
    handle: async (req: { body?: unknown }) => {
      const r = respond(String(req.body ?? ''));
      return { response: { statusCode: r.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'rid' }, body: new TextEncoder().encode(r.xml) } };
    },
  };
  return new ElastiCacheClient({
    region: 'us-east-1', endpoint: 'http://localhost', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: requestHandler as unknown as ElastiCacheClientConfig['requestHandler'],
  });
}

test('JS SDK: requests decode to the original input; responses parse back exactly', async () => {
  const groups = sampleReplicationGroups(2);
  const params = sampleCacheParameters();
  let sent = '';
  const client = offlineClient((body) => {
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
  const client = offlineClient(() => ({
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
