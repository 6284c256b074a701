// The CloudWatch and SNS actions one by one (AWS JSON for CloudWatch, Query for SNS), beyond the
// protocol, alarm and bad-input tests: listing, filters, tags, action switches, math alarms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monitoringHarness, type MonitoringHarness } from './test-fixtures.js';

let h: MonitoringHarness;
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
before(async () => { h = await monitoringHarness({ nowMs: NOW }); });
after(async () => { await h.close(); });

const cw = async (op: string, body: unknown) => {
  const res = await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': `GraniteServiceVersion20100801.${op}` }, payload: JSON.stringify(body) });
  assert.equal(res.statusCode, 200, `${op}: ${res.body}`);
  return JSON.parse(res.body || '{}');
};
const sns = async (params: Record<string, string>) => {
  const res = await h.app.inject({ method: 'POST', url: '/', payload: new URLSearchParams({ Version: '2010-03-31', ...params }).toString() });
  return { status: res.statusCode, body: res.body };
};
const alarm = (name: string, extra: Record<string, unknown> = {}) => ({ AlarmName: name, Namespace: 'App', MetricName: 'Errors', Statistic: 'Sum',
  Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Dimensions: [{ Name: 'Svc', Value: 'api' }], ...extra });

describe('CloudWatch actions', () => {
  it('ListMetrics filters by namespace, name, dimension and recent activity', async () => {
    await cw('PutMetricData', { Namespace: 'L', MetricData: [
      { MetricName: 'a', Value: 1, Dimensions: [{ Name: 'Host', Value: 'h1' }] },
      { MetricName: 'a', Value: 1, Dimensions: [{ Name: 'Host', Value: 'h2' }] },
      { MetricName: 'b', Value: 1, Timestamp: (NOW - 5 * 3600_000) / 1000 }] });
    assert.equal((await cw('ListMetrics', { Namespace: 'L' })).Metrics.length, 3);
    assert.equal((await cw('ListMetrics', { Namespace: 'L', MetricName: 'a', Dimensions: [{ Name: 'Host', Value: 'h2' }] })).Metrics.length, 1);
    assert.equal((await cw('ListMetrics', { Namespace: 'L', Dimensions: [{ Name: 'Host' }] })).Metrics.length, 2);
    assert.deepEqual((await cw('ListMetrics', { Namespace: 'L', RecentlyActive: 'PT3H' })).Metrics.map((m: { MetricName: string }) => m.MetricName), ['a', 'a']);
  });

  it('alarms: describe filters, for-metric, actions switch, tags, delete', async () => {
    await cw('PutMetricAlarm', alarm('errors-high', { Tags: [{ Key: 'team', Value: 'ops' }] }));
    await cw('PutMetricAlarm', alarm('errors-p99', { Statistic: undefined, ExtendedStatistic: 'p99' }));
    assert.equal((await cw('DescribeAlarms', { AlarmNamePrefix: 'errors-' })).MetricAlarms.length, 2);
    assert.equal((await cw('DescribeAlarms', { AlarmNamePrefix: 'errors-', MaxRecords: 1 })).NextToken !== undefined, true);
    const forMetric = await cw('DescribeAlarmsForMetric', { Namespace: 'App', MetricName: 'Errors', Statistic: 'Sum', Dimensions: [{ Name: 'Svc', Value: 'api' }] });
    assert.deepEqual(forMetric.MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName), ['errors-high']);
    await cw('DisableAlarmActions', { AlarmNames: ['errors-high', 'no-such'] });
    assert.equal((await cw('DescribeAlarms', { AlarmNames: ['errors-high'] })).MetricAlarms[0].ActionsEnabled, false);
    await cw('EnableAlarmActions', { AlarmNames: ['errors-high'] });
    assert.equal((await cw('DescribeAlarms', { AlarmNames: ['errors-high'] })).MetricAlarms[0].ActionsEnabled, true);
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors-high';
    await cw('TagResource', { ResourceARN: arn, Tags: [{ Key: 'env', Value: 'prod' }] });
    await cw('UntagResource', { ResourceARN: arn, TagKeys: ['team'] });
    assert.deepEqual((await cw('ListTagsForResource', { ResourceARN: arn })).Tags, [{ Key: 'env', Value: 'prod' }]);
    await cw('DeleteAlarms', { AlarmNames: ['errors-high', 'errors-p99'] });
    assert.equal((await cw('DescribeAlarms', { AlarmNamePrefix: 'errors-' })).MetricAlarms.length, 0);
  });

  it('an alarm on metric math evaluates its returned expression', async () => {
    const t = (NOW - 30_000) / 1000; // the last complete period (an expression's period under way waits for its end)
    await cw('PutMetricData', { Namespace: 'M', MetricData: [{ MetricName: 'hits', Value: 2, Timestamp: t }, { MetricName: 'misses', Value: 8, Timestamp: t }] });
    const stat = (id: string, name: string) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'M', MetricName: name }, Period: 60, Stat: 'Sum' } });
    await cw('PutMetricAlarm', { AlarmName: 'hit-rate-low', EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'LessThanThreshold',
      Metrics: [stat('h', 'hits'), stat('m', 'misses'), { Id: 'rate', Expression: '100 * h / (h + m)', ReturnData: true }] });
    await h.alarms.idle();
    const a = (await cw('DescribeAlarms', { AlarmNames: ['hit-rate-low'] })).MetricAlarms[0];
    assert.equal(a.StateValue, 'ALARM');
    assert.match(a.StateReason, /\[20\.0 /);
  });
});

describe('SNS actions', () => {
  it('topics: idempotent create, attributes, list, delete with its subscriptions', async () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:orders';
    assert.match((await sns({ Action: 'CreateTopic', Name: 'orders' })).body, new RegExp(`<TopicArn>${arn}</TopicArn>`));
    assert.match((await sns({ Action: 'CreateTopic', Name: 'orders' })).body, new RegExp(`<TopicArn>${arn}</TopicArn>`));
    assert.equal((await sns({ Action: 'SetTopicAttributes', TopicArn: arn, AttributeName: 'DisplayName', AttributeValue: 'Orders' })).status, 200);
    const attrs = (await sns({ Action: 'GetTopicAttributes', TopicArn: arn })).body;
    assert.match(attrs, /<key>DisplayName<\/key><value>Orders<\/value>/);
    assert.match(attrs, /<key>SubscriptionsPending<\/key><value>0<\/value>/);
    assert.match((await sns({ Action: 'ListTopics' })).body, new RegExp(`<member><TopicArn>${arn}</TopicArn></member>`));
    const sub = await sns({ Action: 'Subscribe', TopicArn: arn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/never', ReturnSubscriptionArn: 'true' });
    const subArn = /<SubscriptionArn>(.*)<\/SubscriptionArn>/.exec(sub.body)![1]!;
    assert.match((await sns({ Action: 'ListSubscriptions' })).body, /<SubscriptionArn>PendingConfirmation<\/SubscriptionArn>/);
    assert.equal((await sns({ Action: 'Unsubscribe', SubscriptionArn: subArn })).status, 200);
    assert.equal((await sns({ Action: 'Unsubscribe', SubscriptionArn: subArn })).status, 404);
    await sns({ Action: 'Subscribe', TopicArn: arn, Protocol: 'http', Endpoint: 'http://127.0.0.1:9/again' });
    assert.equal((await sns({ Action: 'DeleteTopic', TopicArn: arn })).status, 200);
    assert.equal((await h.store.list('snsSubscription')).filter((s) => s.doc.topicArn === arn).length, 0);
    assert.equal((await sns({ Action: 'GetTopicAttributes', TopicArn: arn })).status, 404);
  });
});
