// CloudWatch Logs over AWS JSON 1.1 on the endpoint: the action table, groups, streams, events,
// pagination tokens, retention, and bad requests each answered with the model's error as `__type`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monitoringHarness, type MonitoringHarness } from '../cloudwatch/test-fixtures.js';
import { LOGS_ACTIONS } from './actions/registry.js';
import service from './model/service.json' with { type: 'json' };
import { logsResources } from './resources.js';

let h: MonitoringHarness;
before(async () => { h = await monitoringHarness(); });
after(async () => { await h.close(); });

async function call(op: string, input: unknown): Promise<{ status: number; body: Record<string, any> }> {
  const r = await h.app.inject({
    method: 'POST', url: '/', payload: JSON.stringify(input),
    headers: { 'x-amz-target': `Logs_20140328.${op}`, 'content-type': 'application/x-amz-json-1.1' },
  });
  assert.equal(r.headers['content-type'], 'application/x-amz-json-1.1');
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : {} };
}
async function ok(op: string, input: unknown): Promise<Record<string, any>> {
  const r = await call(op, input);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

describe('CloudWatch Logs actions', () => {
  it('serves every operation of the generated model subset, one file each', () => {
    const names = LOGS_ACTIONS.map((f) => f({ logs: h.logs, now: () => new Date(), scope: { accountId: '1', region: 'r' } }).name).sort();
    assert.deepEqual(names, Object.keys(service.operations).sort());
  });

  it('names the log group ARN IAM policies are evaluated on', () => {
    const scope = { accountId: '123456789012', region: 'us-east-1' };
    assert.deepEqual(logsResources('CreateLogGroup', { logGroupName: '/a/b' }, scope), ['arn:aws:logs:us-east-1:123456789012:log-group:/a/b']);
    assert.deepEqual(logsResources('GetLogEvents', { logGroupIdentifier: 'arn:aws:logs:us-east-1:123456789012:log-group:x:*' }, scope), ['arn:aws:logs:us-east-1:123456789012:log-group:x']);
    assert.deepEqual(logsResources('DescribeLogGroups', { logGroupNamePrefix: '/a' }, scope), ['*']);
  });

  it('creates, describes, pages and deletes log groups', async () => {
    for (const n of ['/app/a', '/app/b', '/app/c', '/other']) await ok('CreateLogGroup', { logGroupName: n });
    const all = await ok('DescribeLogGroups', { logGroupNamePrefix: '/app/' });
    assert.deepEqual(all.logGroups.map((g: any) => g.logGroupName), ['/app/a', '/app/b', '/app/c']);
    assert.equal(all.logGroups[0].arn, 'arn:aws:logs:us-east-1:123456789012:log-group:/app/a:*');
    assert.equal(all.logGroups[0].logGroupArn, 'arn:aws:logs:us-east-1:123456789012:log-group:/app/a');
    const p1 = await ok('DescribeLogGroups', { logGroupNamePrefix: '/app/', limit: 2 });
    assert.equal(p1.logGroups.length, 2);
    const p2 = await ok('DescribeLogGroups', { logGroupNamePrefix: '/app/', limit: 2, nextToken: p1.nextToken });
    assert.deepEqual(p2.logGroups.map((g: any) => g.logGroupName), ['/app/c']);
    assert.equal(p2.nextToken, undefined);
    const pat = await ok('DescribeLogGroups', { logGroupNamePattern: 'OTH' });
    assert.deepEqual(pat.logGroups.map((g: any) => g.logGroupName), ['/other']);
    await ok('DeleteLogGroup', { logGroupName: '/other' });
    assert.equal((await ok('DescribeLogGroups', { logGroupNamePattern: 'oth' })).logGroups.length, 0);
  });

  it('reads a stream forward and backward with f/ and b/ tokens; the forward token repeats at the end', async () => {
    await ok('CreateLogGroup', { logGroupName: 'paged' });
    const t0 = h.clock.nowMs - 60_000;
    h.logs.append('paged', 's1', Array.from({ length: 5 }, (_, i) => ({ timestamp: t0 + i, message: `m${i}` })), h.clock.nowMs);
    const latest = await ok('GetLogEvents', { logGroupName: 'paged', logStreamName: 's1', limit: 2 });
    assert.deepEqual(latest.events.map((e: any) => e.message), ['m3', 'm4']);
    assert.match(latest.nextForwardToken, /^f\/\d{56}$/);
    const back = await ok('GetLogEvents', { logGroupName: 'paged', logStreamName: 's1', limit: 2, nextToken: latest.nextBackwardToken });
    assert.deepEqual(back.events.map((e: any) => e.message), ['m1', 'm2']);
    const head = await ok('GetLogEvents', { logGroupName: 'paged', logStreamName: 's1', limit: 3, startFromHead: true });
    assert.deepEqual(head.events.map((e: any) => e.message), ['m0', 'm1', 'm2']);
    const rest = await ok('GetLogEvents', { logGroupName: 'paged', logStreamName: 's1', nextToken: head.nextForwardToken });
    assert.deepEqual(rest.events.map((e: any) => e.message), ['m3', 'm4']);
    const end = await ok('GetLogEvents', { logGroupName: 'paged', logStreamName: 's1', nextToken: rest.nextForwardToken });
    assert.deepEqual(end.events, []);
    assert.equal(end.nextForwardToken, rest.nextForwardToken);
    const timed = await ok('GetLogEvents', { logGroupIdentifier: 'arn:aws:logs:us-east-1:123456789012:log-group:paged', logStreamName: 's1', startTime: t0 + 1, endTime: t0 + 3, startFromHead: true });
    assert.deepEqual(timed.events.map((e: any) => e.message), ['m1', 'm2']);
    const streams = await ok('DescribeLogStreams', { logGroupName: 'paged' });
    assert.equal(streams.logStreams[0].logStreamName, 's1');
    assert.equal(streams.logStreams[0].firstEventTimestamp, t0);
    assert.equal(streams.logStreams[0].lastEventTimestamp, t0 + 4);
  });

  it('filters across streams in time order with terms, phrases and JSON patterns, and pages with nextToken', async () => {
    await ok('CreateLogGroup', { logGroupName: 'filtered' });
    const t0 = h.clock.nowMs - 10_000;
    h.logs.append('filtered', 'a', [
      { timestamp: t0, message: JSON.stringify({ Command: 'set (2 more arguments)', Duration: 12 }) },
      { timestamp: t0 + 2, message: 'ERROR connection refused by peer' },
    ], h.clock.nowMs);
    h.logs.append('filtered', 'b', [
      { timestamp: t0 + 1, message: JSON.stringify({ Command: 'get (1 more arguments)', Duration: 1500 }) },
      { timestamp: t0 + 3, message: 'WARN connection slow' },
    ], h.clock.nowMs);
    const msgs = async (input: object) => (await ok('FilterLogEvents', { logGroupName: 'filtered', ...input })).events.map((e: any) => e.message);
    assert.equal((await msgs({})).length, 4);
    assert.deepEqual(await msgs({ filterPattern: 'connection' }), ['ERROR connection refused by peer', 'WARN connection slow']);
    assert.deepEqual(await msgs({ filterPattern: '"refused by"' }), ['ERROR connection refused by peer']);
    assert.deepEqual(await msgs({ filterPattern: '?ERROR ?WARN' }), ['ERROR connection refused by peer', 'WARN connection slow']);
    assert.deepEqual(await msgs({ filterPattern: '{ $.Duration > 1000 }' }), [JSON.stringify({ Command: 'get (1 more arguments)', Duration: 1500 })]);
    assert.deepEqual(await msgs({ filterPattern: '{ $.Command = "set*" }', logStreamNames: ['a'] }), [JSON.stringify({ Command: 'set (2 more arguments)', Duration: 12 })]);
    const p1 = await ok('FilterLogEvents', { logGroupName: 'filtered', limit: 3 });
    assert.equal(p1.events.length, 3);
    assert.deepEqual(p1.events.map((e: any) => e.logStreamName), ['a', 'b', 'a']);
    const p2 = await ok('FilterLogEvents', { logGroupName: 'filtered', limit: 3, nextToken: p1.nextToken });
    assert.deepEqual(p2.events.map((e: any) => e.message), ['WARN connection slow']);
    assert.equal(p2.nextToken, undefined);
  });

  it('PutRetentionPolicy takes the documented values and removes expired events', async () => {
    await ok('CreateLogGroup', { logGroupName: 'kept' });
    h.logs.append('kept', 's', [{ timestamp: h.clock.nowMs - 2 * 86_400_000, message: 'old' }, { timestamp: h.clock.nowMs, message: 'new' }], h.clock.nowMs);
    await ok('PutRetentionPolicy', { logGroupName: 'kept', retentionInDays: 1 });
    const g = (await ok('DescribeLogGroups', { logGroupNamePrefix: 'kept' })).logGroups[0];
    assert.equal(g.retentionInDays, 1);
    assert.equal(g.storedBytes, 3);
    const events = await ok('GetLogEvents', { logGroupName: 'kept', logStreamName: 's' });
    assert.deepEqual(events.events.map((e: any) => e.message), ['new']);
  });
});

describe('bad CloudWatch Logs requests', () => {
  before(async () => {
    await call('CreateLogGroup', { logGroupName: 'exists' });
    await call('CreateLogGroup', { logGroupName: 'protected', deletionProtectionEnabled: true });
  });
  const CASES: { name: string; op: string; input: Record<string, unknown>; type: string }[] = [
    { name: 'group already exists', op: 'CreateLogGroup', input: { logGroupName: 'exists' }, type: 'ResourceAlreadyExistsException' },
    { name: 'name outside the pattern', op: 'CreateLogGroup', input: { logGroupName: 'bad name!' }, type: 'InvalidParameterException' },
    { name: 'missing logGroupName', op: 'CreateLogGroup', input: {}, type: 'InvalidParameterException' },
    { name: 'name longer than 512', op: 'CreateLogGroup', input: { logGroupName: 'x'.repeat(513) }, type: 'InvalidParameterException' },
    { name: 'a KMS key', op: 'CreateLogGroup', input: { logGroupName: 'k', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/x' }, type: 'InvalidParameterException' },
    { name: 'delete a missing group', op: 'DeleteLogGroup', input: { logGroupName: 'ghost' }, type: 'ResourceNotFoundException' },
    { name: 'delete a protected group', op: 'DeleteLogGroup', input: { logGroupName: 'protected' }, type: 'ValidationException' },
    { name: 'retention of 2 days', op: 'PutRetentionPolicy', input: { logGroupName: 'exists', retentionInDays: 2 }, type: 'InvalidParameterException' },
    { name: 'retention on a missing group', op: 'PutRetentionPolicy', input: { logGroupName: 'ghost', retentionInDays: 7 }, type: 'ResourceNotFoundException' },
    { name: 'prefix and pattern', op: 'DescribeLogGroups', input: { logGroupNamePrefix: 'a', logGroupNamePattern: 'b' }, type: 'InvalidParameterException' },
    { name: 'limit 51', op: 'DescribeLogGroups', input: { limit: 51 }, type: 'InvalidParameterException' },
    { name: 'forged nextToken', op: 'DescribeLogGroups', input: { nextToken: '!!' }, type: 'InvalidParameterException' },
    { name: 'streams of a missing group', op: 'DescribeLogStreams', input: { logGroupName: 'ghost' }, type: 'ResourceNotFoundException' },
    { name: 'LastEventTime with a prefix', op: 'DescribeLogStreams', input: { logGroupName: 'exists', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' }, type: 'InvalidParameterException' },
    { name: 'name and identifier', op: 'GetLogEvents', input: { logGroupName: 'exists', logGroupIdentifier: 'exists', logStreamName: 's' }, type: 'InvalidParameterException' },
    { name: 'missing stream', op: 'GetLogEvents', input: { logGroupName: 'exists', logStreamName: 'ghost' }, type: 'ResourceNotFoundException' },
    { name: 'bad GetLogEvents token', op: 'GetLogEvents', input: { logGroupName: 'exists', logStreamName: 'ghost', nextToken: 'x/1' }, type: 'ResourceNotFoundException' },
    { name: 'limit 10001', op: 'GetLogEvents', input: { logGroupName: 'exists', logStreamName: 's', limit: 10_001 }, type: 'InvalidParameterException' },
    { name: 'unbalanced JSON pattern', op: 'FilterLogEvents', input: { logGroupName: 'exists', filterPattern: '{ $.a = 1' }, type: 'InvalidParameterException' },
    { name: 'space-delimited pattern', op: 'FilterLogEvents', input: { logGroupName: 'exists', filterPattern: '[ip, user]' }, type: 'InvalidParameterException' },
    { name: 'filter a missing group', op: 'FilterLogEvents', input: { logGroupName: 'ghost' }, type: 'ResourceNotFoundException' },
    { name: 'stream names and prefix', op: 'FilterLogEvents', input: { logGroupName: 'exists', logStreamNames: ['a'], logStreamNamePrefix: 'a' }, type: 'InvalidParameterException' },
    { name: 'timestamp as a string', op: 'FilterLogEvents', input: { logGroupName: 'exists', startTime: 'yesterday' }, type: 'InvalidParameterException' },
  ];
  for (const c of CASES) {
    it(`${c.op}: ${c.name} → ${c.type}`, async () => {
      const r = await call(c.op, c.input);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.__type, `com.amazonaws.logs#${c.type}`);
      assert.equal(typeof r.body.message, 'string');
    });
  }

  it('an operation of the Logs API that cachefleet does not serve is UnknownOperationException', async () => {
    const r = await call('PutLogEvents', { logGroupName: 'exists', logStreamName: 's', logEvents: [] });
    assert.equal(r.status, 400);
    assert.equal(r.body.__type, 'UnknownOperationException');
  });
});
