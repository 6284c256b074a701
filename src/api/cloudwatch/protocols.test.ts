// One CloudWatch service, three protocols: the same calls through Query, AWS JSON 1.0 and Smithy
// RPC v2 CBOR (as botocore and the JS SDK write them), and errors in each as its clients read them:
// Query <ErrorResponse>, JSON __type + x-amzn-query-error, CBOR __type + x-amzn-query-error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cbor, dateToTag } from '@smithy/core/cbor';
import { monitoringHarness, type MonitoringHarness } from './test-fixtures.js';

let h: MonitoringHarness;
const T0 = Date.UTC(2026, 11, 5, 3, 0, 0);

before(async () => { h = await monitoringHarness({ nowMs: T0 + 600_000 }); });
after(async () => { await h.close(); });

const json = (op: string, body: unknown) => h.app.inject({ method: 'POST', url: '/',
  headers: { 'x-amz-target': `GraniteServiceVersion20100801.${op}`, 'content-type': 'application/x-amz-json-1.0' }, payload: JSON.stringify(body) });
const cborCall = (op: string, body: unknown) => h.app.inject({ method: 'POST', url: `/service/GraniteServiceVersion20100801/operation/${op}`,
  headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' }, payload: Buffer.from(cbor.serialize(body)) });
const query = (params: Record<string, string>) => h.app.inject({ method: 'POST', url: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ Version: '2010-08-01', ...params }).toString() });

describe('CloudWatch over Query, JSON 1.0 and RPC v2 CBOR', () => {
  it('PutMetricData in each protocol lands in the same store', async () => {
    const q = await query({ Action: 'PutMetricData', Namespace: 'App', 'MetricData.member.1.MetricName': 'Latency',
      'MetricData.member.1.Value': '10', 'MetricData.member.1.Unit': 'Milliseconds', 'MetricData.member.1.Timestamp': new Date(T0).toISOString(),
      'MetricData.member.1.Dimensions.member.1.Name': 'Host', 'MetricData.member.1.Dimensions.member.1.Value': 'a' });
    assert.equal(q.statusCode, 200, q.body);
    assert.match(q.body, /<PutMetricDataResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/">/);
    const j = await json('PutMetricData', { Namespace: 'App', MetricData: [{ MetricName: 'Latency', Value: 20, Unit: 'Milliseconds',
      Timestamp: (T0 + 1000) / 1000, Dimensions: [{ Name: 'Host', Value: 'a' }] }] });
    assert.equal(j.statusCode, 200, j.body);
    assert.equal(j.headers['content-type'], 'application/x-amz-json-1.0');
    const c = await cborCall('PutMetricData', { Namespace: 'App', MetricData: [{ MetricName: 'Latency', Value: 30, Unit: 'Milliseconds',
      Timestamp: dateToTag(new Date(T0 + 2000)), Dimensions: [{ Name: 'Host', Value: 'a' }] }] });
    assert.equal(c.statusCode, 200, c.body);
    assert.equal(c.headers['smithy-protocol'], 'rpc-v2-cbor');
  });

  it('GetMetricStatistics answers in each protocol with the three values', async () => {
    const input = { Namespace: 'App', MetricName: 'Latency', Dimensions: [{ Name: 'Host', Value: 'a' }], Period: 60,
      Statistics: ['Average', 'Sum', 'SampleCount', 'Maximum'], ExtendedStatistics: ['p50'] };
    const j = await json('GetMetricStatistics', { ...input, StartTime: T0 / 1000, EndTime: (T0 + 60_000) / 1000 });
    const jd = JSON.parse(j.body).Datapoints;
    assert.deepEqual(jd, [{ Timestamp: T0 / 1000, SampleCount: 3, Average: 20, Sum: 60, Maximum: 30, Unit: 'Milliseconds', ExtendedStatistics: { p50: 20 } }]);
    const c = await cborCall('GetMetricStatistics', { ...input, StartTime: dateToTag(new Date(T0)), EndTime: dateToTag(new Date(T0 + 60_000)) });
    const cd = cbor.deserialize(c.rawPayload).Datapoints;
    assert.equal(cd[0].Sum, 60);
    assert.equal(cd[0].Timestamp.tag, 1);
    assert.equal(cd[0].Timestamp.value, T0 / 1000);
    const q = await query({ Action: 'GetMetricStatistics', Namespace: 'App', MetricName: 'Latency', 'Dimensions.member.1.Name': 'Host',
      'Dimensions.member.1.Value': 'a', Period: '60', 'Statistics.member.1': 'Sum', StartTime: new Date(T0).toISOString(), EndTime: new Date(T0 + 60_000).toISOString() });
    assert.match(q.body, /<Datapoints><member><Timestamp>2026-12-05T03:00:00.000Z<\/Timestamp><Sum>60<\/Sum><Unit>Milliseconds<\/Unit><\/member><\/Datapoints>/);
  });

  it('errors: Query XML, JSON and CBOR with __type and the awsQueryCompatible header', async () => {
    const bad = { Namespace: 'AWS/ElastiCache', MetricData: [{ MetricName: 'X', Value: 1 }] };
    const q = await query({ Action: 'PutMetricData', Namespace: 'AWS/ElastiCache', 'MetricData.member.1.MetricName': 'X', 'MetricData.member.1.Value': '1' });
    assert.equal(q.statusCode, 400);
    assert.match(q.body, /<Type>Sender<\/Type><Code>InvalidParameterValue<\/Code>/);
    const j = await json('PutMetricData', bad);
    assert.equal(j.statusCode, 400);
    assert.equal(j.headers['x-amzn-query-error'], 'InvalidParameterValue;Sender');
    assert.equal(JSON.parse(j.body).__type, 'com.amazonaws.cloudwatch#InvalidParameterValueException');
    const c = await cborCall('PutMetricData', bad);
    assert.equal(c.statusCode, 400);
    assert.equal(c.headers['x-amzn-query-error'], 'InvalidParameterValue;Sender');
    assert.equal(cbor.deserialize(c.rawPayload).__type, 'com.amazonaws.cloudwatch#InvalidParameterValueException');
  });

  it('an unknown operation and a malformed body are refused in the protocol they came in', async () => {
    const j = await json('Nope', {});
    assert.equal(j.statusCode, 400);
    assert.equal(JSON.parse(j.body).__type, 'UnknownOperationException');
    const m = await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics' }, payload: '{nope' });
    assert.equal(JSON.parse(m.body).__type, 'SerializationException');
    const unknown = await h.app.inject({ method: 'POST', url: '/service/Nope/operation/X', headers: { 'smithy-protocol': 'rpc-v2-cbor' }, payload: Buffer.from(cbor.serialize({})) });
    assert.equal(unknown.statusCode, 404);
    assert.equal(cbor.deserialize(unknown.rawPayload).__type, 'UnknownOperationException');
    const gz = await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', 'content-encoding': 'gzip' }, payload: 'not gzip' });
    assert.equal(gz.statusCode, 400);
    assert.equal(JSON.parse(gz.body).__type, 'SerializationException');
    const logs = await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': 'Logs_20140328.CreateLogGroup', 'content-type': 'application/x-amz-json-1.1' }, payload: '{}' });
    assert.equal(logs.statusCode, 400);
    assert.equal(logs.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(JSON.parse(logs.body).__type, 'com.amazonaws.logs#InvalidParameterException');
  });
});
