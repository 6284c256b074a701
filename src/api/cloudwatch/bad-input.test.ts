// Bad CloudWatch and SNS requests, each answered with AWS's error in the protocol it came in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cbor } from '@smithy/core/cbor';
import { monitoringHarness, type MonitoringHarness } from './test-fixtures.js';

let h: MonitoringHarness;
before(async () => {
  h = await monitoringHarness();
  await h.app.inject({ method: 'POST', url: '/', payload: 'Version=2010-03-31&Action=CreateTopic&Name=t1' });
  await h.app.inject({ method: 'POST', url: '/', payload: 'Version=2010-08-01&Action=PutMetricAlarm&AlarmName=a1&Namespace=N&MetricName=M&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold' });
});
after(async () => { await h.close(); });

type Proto = 'query' | 'json' | 'cbor';
interface Case { name: string; proto: Proto; version?: string; op: string; input: Record<string, unknown> | string; status: number; code: string }

const now = Date.now() / 1000;
const CASES: Case[] = [
  { name: 'namespace AWS/', proto: 'json', op: 'PutMetricData', input: { Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'x', Value: 1 }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'missing Namespace', proto: 'json', op: 'PutMetricData', input: { MetricData: [{ MetricName: 'x', Value: 1 }] }, status: 400, code: 'MissingParameter' },
  { name: '1,001 metric data', proto: 'cbor', op: 'PutMetricData', input: { Namespace: 'N', MetricData: Array.from({ length: 1001 }, () => ({ MetricName: 'x', Value: 1 })) }, status: 400, code: 'InvalidParameterValue' },
  { name: '31 dimensions', proto: 'json', op: 'PutMetricData', input: { Namespace: 'N', MetricData: [{ MetricName: 'x', Value: 1, Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'value above 2^360', proto: 'json', op: 'PutMetricData', input: { Namespace: 'N', MetricData: [{ MetricName: 'x', Value: 1e120 }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'Value and StatisticValues', proto: 'json', op: 'PutMetricData', input: { Namespace: 'N', MetricData: [{ MetricName: 'x', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }] }, status: 400, code: 'InvalidParameterCombination' },
  { name: 'timestamp three weeks old', proto: 'json', op: 'PutMetricData', input: { Namespace: 'N', MetricData: [{ MetricName: 'x', Value: 1, Timestamp: now - 21 * 86400 }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'Values and Counts of different lengths', proto: 'query', op: 'PutMetricData', input: 'Namespace=N&MetricData.member.1.MetricName=x&MetricData.member.1.Values.member.1=1&MetricData.member.1.Counts.member.1=1&MetricData.member.1.Counts.member.2=1', status: 400, code: 'InvalidParameterCombination' },
  { name: 'period 7 s', proto: 'json', op: 'GetMetricStatistics', input: { Namespace: 'N', MetricName: 'x', Period: 7, Statistics: ['Sum'], StartTime: now - 600, EndTime: now }, status: 400, code: 'InvalidParameterValue' },
  { name: 'no statistics', proto: 'json', op: 'GetMetricStatistics', input: { Namespace: 'N', MetricName: 'x', Period: 60, StartTime: now - 600, EndTime: now }, status: 400, code: 'MissingParameter' },
  { name: 'too many datapoints', proto: 'cbor', op: 'GetMetricStatistics', input: { Namespace: 'N', MetricName: 'x', Period: 1, Statistics: ['Sum'], StartTime: now - 3000, EndTime: now }, status: 400, code: 'InvalidParameterCombination' },
  { name: 'start after end', proto: 'query', op: 'GetMetricStatistics', input: `Namespace=N&MetricName=x&Period=60&Statistics.member.1=Sum&StartTime=2026-01-02T00:00:00Z&EndTime=2026-01-01T00:00:00Z`, status: 400, code: 'InvalidParameterValue' },
  { name: 'unknown math function', proto: 'json', op: 'GetMetricData', input: { StartTime: now - 600, EndTime: now, MetricDataQueries: [{ Id: 'e1', Expression: 'SEARCH(\'x\', \'Sum\', 60)' }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'math naming an unknown id', proto: 'cbor', op: 'GetMetricData', input: { StartTime: now - 600, EndTime: now, MetricDataQueries: [{ Id: 'e1', Expression: 'm9 * 2' }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'upper-case query id', proto: 'json', op: 'GetMetricData', input: { StartTime: now - 600, EndTime: now, MetricDataQueries: [{ Id: 'M1', Expression: '1' }] }, status: 400, code: 'InvalidParameterValue' },
  { name: 'alarm on a missing topic', proto: 'query', op: 'PutMetricAlarm', input: 'AlarmName=x&Namespace=N&MetricName=M&Statistic=Sum&Period=60&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold&AlarmActions.member.1=arn:aws:sns:us-east-1:123456789012:nope', status: 400, code: 'InvalidParameterValue' },
  { name: 'anomaly band operator', proto: 'json', op: 'PutMetricAlarm', input: { AlarmName: 'x', Metrics: [{ Id: 'm1', ReturnData: true, Expression: 'ANOMALY_DETECTION_BAND(m0)' }], EvaluationPeriods: 1, ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' }, status: 400, code: 'InvalidParameterValue' },
  { name: 'DatapointsToAlarm above EvaluationPeriods', proto: 'json', op: 'PutMetricAlarm', input: { AlarmName: 'x', Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 3, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }, status: 400, code: 'InvalidParameterValue' },
  { name: 'Statistic and ExtendedStatistic', proto: 'cbor', op: 'PutMetricAlarm', input: { AlarmName: 'x', Namespace: 'N', MetricName: 'M', Statistic: 'Sum', ExtendedStatistic: 'p99', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }, status: 400, code: 'InvalidParameterCombination' },
  { name: 'bad TreatMissingData', proto: 'json', op: 'PutMetricAlarm', input: { AlarmName: 'x', Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'sometimes' }, status: 400, code: 'InvalidParameterValue' },
  { name: 'SetAlarmState on a missing alarm', proto: 'json', op: 'SetAlarmState', input: { AlarmName: 'ghost', StateValue: 'ALARM', StateReason: 'test' }, status: 404, code: 'ResourceNotFound' },
  { name: 'SetAlarmState with bad reason data', proto: 'query', op: 'SetAlarmState', input: 'AlarmName=a1&StateValue=ALARM&StateReason=x&StateReasonData=%7Bnope', status: 400, code: 'InvalidFormat' },
  { name: 'bad StateValue enum', proto: 'json', op: 'SetAlarmState', input: { AlarmName: 'a1', StateValue: 'BROKEN', StateReason: 'x' }, status: 400, code: 'InvalidParameterValue' },
  { name: 'tags of a missing alarm', proto: 'json', op: 'ListTagsForResource', input: { ResourceARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ghost' }, status: 404, code: 'ResourceNotFoundException' },
  { name: 'DeleteAlarms of a missing alarm', proto: 'query', op: 'DeleteAlarms', input: 'AlarmNames.member.1=ghost', status: 404, code: 'ResourceNotFound' },
  { name: 'alarm Period 0', proto: 'query', op: 'PutMetricAlarm', input: 'AlarmName=x&Namespace=N&MetricName=M&Statistic=Sum&Period=0&EvaluationPeriods=1&Threshold=1&ComparisonOperator=GreaterThanThreshold', status: 400, code: 'InvalidParameterValue' },
  { name: 'DescribeAlarms MaxRecords 101', proto: 'cbor', op: 'DescribeAlarms', input: { MaxRecords: 101 }, status: 400, code: 'InvalidParameterValue' },
  { name: 'SNS: publish to a missing topic', proto: 'query', version: '2010-03-31', op: 'Publish', input: 'TopicArn=arn:aws:sns:us-east-1:123456789012:nope&Message=hi', status: 404, code: 'NotFound' },
  { name: 'SNS: subscribe by email', proto: 'query', version: '2010-03-31', op: 'Subscribe', input: 'TopicArn=arn:aws:sns:us-east-1:123456789012:t1&Protocol=email&Endpoint=a@b.c', status: 400, code: 'InvalidParameter' },
  { name: 'SNS: confirm with a wrong token', proto: 'query', version: '2010-03-31', op: 'ConfirmSubscription', input: 'TopicArn=arn:aws:sns:us-east-1:123456789012:t1&Token=deadbeef', status: 400, code: 'InvalidParameter' },
  { name: 'SNS: topic name with a dot', proto: 'query', version: '2010-03-31', op: 'CreateTopic', input: 'Name=a.b', status: 400, code: 'InvalidParameter' },
  { name: 'SNS: oversized message', proto: 'query', version: '2010-03-31', op: 'Publish', input: `TopicArn=arn:aws:sns:us-east-1:123456789012:t1&Message=${'x'.repeat(262_145)}`, status: 400, code: 'InvalidParameter' },
  { name: 'SNS: unsubscribe from a malformed ARN', proto: 'query', version: '2010-03-31', op: 'Unsubscribe', input: 'SubscriptionArn=nope', status: 400, code: 'InvalidParameter' },
];

async function call(c: Case): Promise<{ status: number; code: string }> {
  if (c.proto === 'query') {
    const res = await h.app.inject({ method: 'POST', url: '/', payload: `Version=${c.version ?? '2010-08-01'}&Action=${c.op}&${c.input as string}` });
    return { status: res.statusCode, code: /<Code>(.*?)<\/Code>/.exec(res.body)?.[1] ?? res.body };
  }
  const res = c.proto === 'json'
    ? await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': `GraniteServiceVersion20100801.${c.op}` }, payload: JSON.stringify(c.input) })
    : await h.app.inject({ method: 'POST', url: `/service/GraniteServiceVersion20100801/operation/${c.op}`, headers: { 'smithy-protocol': 'rpc-v2-cbor' }, payload: Buffer.from(cbor.serialize(c.input)) });
  const body = c.proto === 'json' ? JSON.parse(res.body) : cbor.deserialize(res.rawPayload);
  assert.ok(typeof body.__type === 'string' && typeof body.message === 'string', `${c.name}: a ${c.proto} error body`);
  return { status: res.statusCode, code: String(res.headers['x-amzn-query-error']).split(';')[0]! };
}

describe('bad CloudWatch and SNS input', () => {
  it(`has at least 20 cases (${CASES.length})`, () => assert.ok(CASES.length >= 20));
  for (const c of CASES) {
    it(`${c.name} (${c.proto}) → ${c.status} ${c.code}`, async () => {
      assert.deepEqual(await call(c), { status: c.status, code: c.code });
    });
  }
});
