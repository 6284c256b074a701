// SetAlarmState through the controller, GetMetricData's pages, and IAM authorization of every
// protocol's requests (`cloudwatch:<Action>` on the alarm's ARN).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cbor } from '@smithy/core/cbor';
import { AwsError } from '../../errors/index.js';
import type { AuthorizationRequest } from '../types.js';
import { monitoringHarness, type MonitoringHarness } from './test-fixtures.js';

let h: MonitoringHarness;
const asked: AuthorizationRequest[] = [];
const T0 = Date.UTC(2026, 11, 5, 3, 0, 0);

before(async () => {
  h = await monitoringHarness({ nowMs: T0 + 300_000, authorize: (r) => {
    asked.push(r);
    if (r.resources.some((x) => x.endsWith(':alarm:forbidden'))) throw new AwsError('AccessDenied', 'not allowed', 403);
  } });
});
after(async () => { await h.close(); });

const json = async (op: string, body: unknown) => {
  const res = await h.app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': `GraniteServiceVersion20100801.${op}` }, payload: JSON.stringify(body) });
  return { status: res.statusCode, body: JSON.parse(res.body || '{}'), headers: res.headers };
};

describe('alarm actions, pages and authorization', () => {
  it('SetAlarmState is applied by the controller, recorded, then the data decides again', async () => {
    await json('PutMetricAlarm', { AlarmName: 'a', Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    await h.alarms.idle();
    assert.equal((await json('DescribeAlarms', { AlarmNames: ['a'] })).body.MetricAlarms[0].StateValue, 'OK');
    const set = await json('SetAlarmState', { AlarmName: 'a', StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"x":1}' });
    assert.equal(set.status, 200);
    await h.alarms.idle();
    const a = (await json('DescribeAlarms', { AlarmNames: ['a'] })).body.MetricAlarms[0];
    assert.equal(a.StateValue, 'ALARM');
    assert.equal(a.StateReason, 'testing');
    await h.alarms.evaluateOne('a');
    assert.equal((await json('DescribeAlarms', { AlarmNames: ['a'] })).body.MetricAlarms[0].StateValue, 'OK');
    const hist = (await json('DescribeAlarmHistory', { AlarmName: 'a', HistoryItemType: 'StateUpdate', ScanBy: 'TimestampAscending' })).body.AlarmHistoryItems;
    assert.deepEqual(hist.map((x: { HistorySummary: string }) => x.HistorySummary),
      ['Alarm updated from INSUFFICIENT_DATA to OK', 'Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
  });

  it('an Average over a period under way waits for the period to end; a Maximum does not', async () => {
    const put = (name: string, value: number) => json('PutMetricData', { Namespace: 'W', MetricData: [{ MetricName: name, Value: value, Timestamp: h.clock.nowMs / 1000 }] });
    for (const [name, stat] of [['avg', 'Average'], ['max', 'Maximum']]) {
      await json('PutMetricAlarm', { AlarmName: `w-${name}`, Namespace: 'W', MetricName: name, Statistic: stat, Period: 10, EvaluationPeriods: 1,
        Threshold: 100, ComparisonOperator: 'GreaterThanThreshold' });
    }
    h.clock.nowMs = Math.floor(h.clock.nowMs / 10_000) * 10_000 + 2_000; // 2 s into a period
    await put('avg', 500);
    await put('max', 500);
    await h.alarms.idle();
    const state = async (n: string) => (await json('DescribeAlarms', { AlarmNames: [n] })).body.MetricAlarms[0].StateValue;
    assert.equal(await state('w-max'), 'ALARM');
    assert.equal(await state('w-avg'), 'INSUFFICIENT_DATA');
    h.clock.nowMs += 8_500; // the period is complete
    await h.alarms.evaluateOne('w-avg');
    assert.equal(await state('w-avg'), 'ALARM');
  });

  it('GetMetricData pages with NextToken and MaxDatapoints, in ScanBy order', async () => {
    await json('PutMetricData', { Namespace: 'P', MetricData: [0, 1, 2, 3, 4].map((i) => ({ MetricName: 'm', Value: i, Timestamp: (T0 + i * 60_000) / 1000 })) });
    const q = { StartTime: T0 / 1000, EndTime: (T0 + 300_000) / 1000, MaxDatapoints: 2, ScanBy: 'TimestampAscending',
      MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'P', MetricName: 'm' }, Period: 60, Stat: 'Sum' } }] };
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = (await json('GetMetricData', { ...q, ...(token ? { NextToken: token } : {}) })).body;
      seen.push(...r.MetricDataResults[0].Values);
      assert.equal(r.MetricDataResults[0].StatusCode, r.NextToken ? 'PartialData' : 'Complete');
      token = r.NextToken;
      pages++;
    } while (token);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.equal(pages, 3);
    const bad = await json('GetMetricData', { ...q, NextToken: 'bm9wZQ' });
    assert.equal(bad.headers['x-amzn-query-error'], 'InvalidNextToken;Sender');
  });

  it('every protocol asks for cloudwatch:<Action> on the resources, and a refusal stops the action', async () => {
    asked.length = 0;
    const alarm = { AlarmName: 'forbidden', Namespace: 'N', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' };
    const j = await json('PutMetricAlarm', alarm);
    assert.equal(j.status, 403);
    assert.equal(j.headers['x-amzn-query-error'], 'AccessDenied;Sender');
    const c = await h.app.inject({ method: 'POST', url: '/service/GraniteServiceVersion20100801/operation/PutMetricAlarm', headers: { 'smithy-protocol': 'rpc-v2-cbor' }, payload: Buffer.from(cbor.serialize(alarm)) });
    assert.equal(c.statusCode, 403);
    const q = await h.app.inject({ method: 'POST', url: '/', payload: 'Version=2010-03-31&Action=ListTopics' });
    assert.equal(q.statusCode, 200);
    assert.deepEqual(asked.map((r) => [r.action, r.resources]), [
      ['cloudwatch:PutMetricAlarm', ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:forbidden']],
      ['cloudwatch:PutMetricAlarm', ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:forbidden']],
      ['sns:ListTopics', ['*']],
    ]);
    assert.equal(await h.store.get('alarm', 'forbidden'), undefined);
  });
});
