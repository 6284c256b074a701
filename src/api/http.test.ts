import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import {
  CreateCacheSubnetGroupCommand, DescribeCacheSubnetGroupsCommand, DescribeReplicationGroupsCommand, ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { AwsError, fault } from '../errors/index.js';
import { createApiServer } from './http.js';
import type { ActionHandler, RequestContext } from './types.js';
import type { CacheSubnetGroup, CacheSubnetGroupMessage, CreateCacheSubnetGroupMessage, CreateCacheSubnetGroupResult } from './model/shapes.js';

const groups = new Map<string, CacheSubnetGroup>();
const seen: { inputs: unknown[]; contexts: RequestContext[]; hooked: string[]; logs: Array<Record<string, unknown>> } =
  { inputs: [], contexts: [], hooked: [], logs: [] };

const describe: ActionHandler<{ CacheSubnetGroupName?: string }, CacheSubnetGroupMessage> = {
  name: 'DescribeCacheSubnetGroups',
  handle(input, ctx) {
    seen.inputs.push(input);
    seen.contexts.push(ctx);
    if (input.CacheSubnetGroupName === 'boom') throw new Error('secret internal detail');
    if (input.CacheSubnetGroupName && !groups.has(input.CacheSubnetGroupName)) {
      throw fault('CacheSubnetGroupNotFoundFault', `Cache subnet group ${input.CacheSubnetGroupName} not found.`);
    }
    const list = [...groups.values()].filter((g) => !input.CacheSubnetGroupName || g.CacheSubnetGroupName === input.CacheSubnetGroupName);
    return { CacheSubnetGroups: list };
  },
};

const create: ActionHandler<CreateCacheSubnetGroupMessage, CreateCacheSubnetGroupResult> = {
  name: 'CreateCacheSubnetGroup',
  async handle(input) {
    seen.inputs.push(input);
    if (groups.has(input.CacheSubnetGroupName)) {
      throw fault('CacheSubnetGroupAlreadyExistsFault', `Cache subnet group ${input.CacheSubnetGroupName} already exists.`);
    }
    const group: CacheSubnetGroup = {
      CacheSubnetGroupName: input.CacheSubnetGroupName,
      CacheSubnetGroupDescription: input.CacheSubnetGroupDescription,
      VpcId: 'vpc-local',
      Subnets: input.SubnetIds.map((id) => ({ SubnetIdentifier: id, SubnetAvailabilityZone: { Name: 'local-a' }, SupportedNetworkTypes: ['ipv4'] })),
      ARN: `arn:aws:elasticache:us-east-1:000000000000:subnetgroup:${input.CacheSubnetGroupName}`,
      SupportedNetworkTypes: ['ipv4'],
    };
    groups.set(group.CacheSubnetGroupName!, group);
    return { CacheSubnetGroup: group };
  },
};

const app = createApiServer({
  actions: new Map<string, ActionHandler>([[describe.name, describe], [create.name, create]]),
  bodyLimitBytes: 64 * 1024,
  logger: { info() {}, warn() {}, error: (o) => seen.logs.push(o as Record<string, unknown>), debug: (o) => seen.logs.push(o as Record<string, unknown>) },
  beforeAction: (ctx, req) => {
    seen.hooked.push(ctx.action);
    if (req.headers['x-deny'] === '1') throw new AwsError('AccessDenied', 'denied by hook', 403);
  },
});
let base = '';
let client: ElastiCacheClient;

before(async () => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = new ElastiCacheClient({
    region: 'us-east-1', endpoint: base, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
});
after(async () => {
  client.destroy();
  await app.close();
});

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) {
  const res = await fetch(`${base}/`, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

test('JS SDK round trip: create, describe, and modeled errors with code and status', async () => {
  const created = await client.send(new CreateCacheSubnetGroupCommand({
    CacheSubnetGroupName: 'sg-a', CacheSubnetGroupDescription: 'first & <best>', SubnetIds: ['subnet-1', 'subnet-2'],
    Tags: [{ Key: 'env', Value: 'test' }],
  }));
  assert.equal(created.CacheSubnetGroup?.CacheSubnetGroupDescription, 'first & <best>');
  assert.deepEqual(created.CacheSubnetGroup?.Subnets?.map((s) => s.SubnetIdentifier), ['subnet-1', 'subnet-2']);
  assert.deepEqual(seen.inputs.at(-1), {
    CacheSubnetGroupName: 'sg-a', CacheSubnetGroupDescription: 'first & <best>', SubnetIds: ['subnet-1', 'subnet-2'], Tags: [{ Key: 'env', Value: 'test' }],
  });
  assert.match(created.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);

  const described = await client.send(new DescribeCacheSubnetGroupsCommand({}));
  assert.equal(described.CacheSubnetGroups?.length, 1);
  assert.equal(described.CacheSubnetGroups?.[0].Subnets?.[0].SubnetAvailabilityZone?.Name, 'local-a');
  assert.equal(seen.contexts.at(-1)?.action, 'DescribeCacheSubnetGroups');
  assert.equal(seen.contexts.at(-1)?.requestId, described.$metadata.requestId);

  await assert.rejects(client.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: 'nope' })), (e: Record<string, any>) => {
    assert.equal(e.name, 'CacheSubnetGroupNotFoundFault');
    assert.equal(e.message, 'Cache subnet group nope not found.');
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
  await assert.rejects(client.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'sg-a', CacheSubnetGroupDescription: 'x', SubnetIds: [] })),
    (e: Record<string, any>) => {
      // The SDK names a modeled error after its shape; the wire code is CacheSubnetGroupAlreadyExists.
      assert.equal(e.name, 'CacheSubnetGroupAlreadyExistsFault');
      assert.equal(e.Code, 'CacheSubnetGroupAlreadyExists');
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  // Validation errors reach the SDK too (SubnetIds= decodes to [], MissingParameter for the description).
  await assert.rejects(client.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: 'x' } as never)),
    (e: Record<string, any>) => e.name === 'MissingParameter' && e.$metadata.httpStatusCode === 400);
});

test('JS SDK: an action in the model but not implemented', async () => {
  await assert.rejects(client.send(new DescribeReplicationGroupsCommand({})),
    (e: Record<string, any>) => e.name === 'InvalidAction' && /does not implement/.test(e.message) && e.$metadata.httpStatusCode === 400);
});

test('request id header matches the XML; GET query strings work', async () => {
  const res = await fetch(`${base}/?Action=DescribeCacheSubnetGroups&Version=2015-02-02&CacheSubnetGroupName=sg-a`);
  const text = await res.text();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/xml');
  assert.ok(text.includes(`<RequestId>${res.headers.get('x-amzn-requestid')}</RequestId>`));
  assert.ok(text.includes('<CacheSubnetGroupName>sg-a</CacheSubnetGroupName>'));
});

test('protocol errors: MissingAction, InvalidAction, MalformedQueryString, oversized body', async () => {
  let r = await post('Version=2015-02-02');
  assert.equal(r.status, 400);
  assert.equal(code(r.text), 'MissingAction');
  assert.ok(r.text.startsWith('<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><Error><Type>Sender</Type>'));
  r = await post('Action=DescribeEverything');
  assert.equal(r.status, 400);
  assert.equal(code(r.text), 'InvalidAction');
  r = await post('Action=DescribeCacheSubnetGroups&CacheSubnetGroupName=%ZZ');
  assert.equal(code(r.text), 'MalformedQueryString');
  const bad = await rawPost(Buffer.from([0x41, 0x3d, 0xff, 0xfe]), { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(code(bad.text), 'MalformedQueryString');
  r = await post(`Action=DescribeCacheSubnetGroups&Marker=${'x'.repeat(70 * 1024)}`);
  assert.equal(r.status, 413);
  assert.equal(code(r.text), 'RequestEntityTooLarge');
  r = await post('Action=DescribeCacheSubnetGroups&MaxRecords=lots');
  assert.equal(code(r.text), 'InvalidParameterValue');
});

/** A POST with exactly these headers (fetch would add a Content-Type of its own). */
function rawPost(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/`, { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject).end(body);
  });
}

test('odd or missing content types are read as forms', async () => {
  const variants: Array<Record<string, string>> = [{ 'content-type': 'text/plain' }, { 'content-type': 'garbage;;' }, { 'content-type': 'application/json' }, {}];
  for (const headers of variants) {
    const r = await rawPost('Action=DescribeCacheSubnetGroups', headers);
    assert.equal(r.status, 200, `${JSON.stringify(headers)}: ${r.text}`);
  }
  const r = await rawPost('Action=DescribeCacheSubnetGroups', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
  assert.equal(r.status, 200);
});

test('unexpected handler failures → InternalFailure 500 without leaking details; cause is logged', async () => {
  const r = await post('Action=DescribeCacheSubnetGroups&CacheSubnetGroupName=boom');
  assert.equal(r.status, 500);
  assert.equal(code(r.text), 'InternalFailure');
  assert.ok(r.text.includes('<Type>Receiver</Type>'));
  assert.ok(!r.text.includes('secret internal detail') && !r.text.includes('at '), r.text);
  const logged = seen.logs.find((l) => (l.err as Error | undefined)?.message === 'secret internal detail');
  assert.ok(logged, 'the cause is logged');
  assert.equal(logged.requestId, r.headers.get('x-amzn-requestid'));
});

test('beforeAction runs with the context and can refuse the request', async () => {
  const r = await post('Action=DescribeCacheSubnetGroups', { 'content-type': 'application/x-www-form-urlencoded', 'x-deny': '1' });
  assert.equal(r.status, 403);
  assert.equal(code(r.text), 'AccessDenied');
  assert.equal(seen.hooked.at(-1), 'DescribeCacheSubnetGroups');
});

test('health check, unknown paths, and per-request debug logs', async () => {
  const h = await fetch(`${base}/healthz`);
  assert.equal(h.status, 200);
  assert.equal(await h.text(), 'ok');
  const nf = await fetch(`${base}/nowhere`);
  assert.equal(nf.status, 404);
  assert.equal(code(await nf.text()), 'NotFound');
  const entry = seen.logs.find((l) => l.action === 'DescribeCacheSubnetGroups' && l.status === 200);
  assert.ok(entry && typeof entry.durationMs === 'number' && typeof entry.requestId === 'string');
});
