// An alarm on a custom metric crosses its threshold and a real HTTP receiver, subscribed through
// SNS (confirmation handshake through the SubscribeURL, unsigned as SNS allows), gets CloudWatch's
// alarm JSON in SNS's signed envelope, which it verifies.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { verifyEnvelope, type Envelope } from '../../sns/index.js';
import { waitFor } from '../../util/wait.js';
import { monitoringHarness, type MonitoringHarness } from './test-fixtures.js';

let h: MonitoringHarness;
let receiver: Server;
let receiverUrl = '';
const received: Array<{ headers: Record<string, unknown>; env: Envelope }> = [];

before(async () => {
  h = await monitoringHarness();
  await h.listen();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ headers: req.headers, env: JSON.parse(body) }); res.end('ok'); });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
});
after(async () => {
  await h.close();
  await new Promise((r) => receiver.close(r));
});

const q = async (version: string, params: Record<string, string>) => {
  const res = await fetch(`${h.url()}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Version: version, ...params }) });
  return { status: res.status, body: await res.text() };
};
const sns = (p: Record<string, string>) => q('2010-03-31', p);
const cw = (p: Record<string, string>) => q('2010-08-01', p);

describe('alarm → SNS → HTTP receiver', () => {
  it('confirms the subscription, then delivers the alarm notification signed', async () => {
    const t = await sns({ Action: 'CreateTopic', Name: 'ops' });
    assert.equal(t.status, 200, t.body);
    const topicArn = /<TopicArn>(.*)<\/TopicArn>/.exec(t.body)![1]!;
    const s = await sns({ Action: 'Subscribe', TopicArn: topicArn, Protocol: 'http', Endpoint: receiverUrl });
    assert.match(s.body, /<SubscriptionArn>pending confirmation<\/SubscriptionArn>/);
    await waitFor(() => received.length === 1, { timeoutMs: 5000 });
    const conf = received[0]!.env;
    assert.equal(conf.Type, 'SubscriptionConfirmation');
    assert.equal(received[0]!.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.ok(verifyEnvelope(conf, h.publicKeyPem), 'the confirmation signature verifies');
    // Publishing before confirmation delivers nothing.
    await sns({ Action: 'Publish', TopicArn: topicArn, Message: 'early' });
    const visit = await fetch(conf.SubscribeURL!);
    assert.equal(visit.status, 200, await visit.text());
    const list = await sns({ Action: 'ListSubscriptionsByTopic', TopicArn: topicArn });
    assert.match(list.body, new RegExp(`<SubscriptionArn>${topicArn}:[0-9a-f-]{36}</SubscriptionArn>`));

    const put = await cw({ Action: 'PutMetricAlarm', AlarmName: 'high-latency', Namespace: 'App', MetricName: 'Latency', Statistic: 'Maximum',
      Period: '10', EvaluationPeriods: '1', Threshold: '100', ComparisonOperator: 'GreaterThanThreshold', 'AlarmActions.member.1': topicArn,
      'Dimensions.member.1.Name': 'Host', 'Dimensions.member.1.Value': 'a' });
    assert.equal(put.status, 200, put.body);
    await h.alarms.idle();
    const d0 = await cw({ Action: 'DescribeAlarms', 'AlarmNames.member.1': 'high-latency' });
    assert.match(d0.body, /<StateValue>INSUFFICIENT_DATA<\/StateValue>/);

    const crossedAt = Date.now();
    h.clock.nowMs = crossedAt;
    const data = await cw({ Action: 'PutMetricData', Namespace: 'App', 'MetricData.member.1.MetricName': 'Latency', 'MetricData.member.1.Value': '250',
      'MetricData.member.1.Dimensions.member.1.Name': 'Host', 'MetricData.member.1.Dimensions.member.1.Value': 'a' });
    assert.equal(data.status, 200, data.body);
    await waitFor(() => received.some((r) => r.env.Type === 'Notification'), { timeoutMs: 15_000 });
    const latencyMs = Date.now() - crossedAt;
    const note = received.find((r) => r.env.Type === 'Notification')!;
    assert.ok(verifyEnvelope(note.env, h.publicKeyPem), 'the notification signature verifies');
    assert.equal(note.env.Subject, 'ALARM: "high-latency" in US East (N. Virginia)');
    const msg = JSON.parse(note.env.Message!);
    assert.equal(msg.AlarmName, 'high-latency');
    assert.equal(msg.NewStateValue, 'ALARM');
    assert.equal(msg.OldStateValue, 'INSUFFICIENT_DATA');
    assert.equal(msg.Trigger.MetricName, 'Latency');
    assert.equal(msg.Trigger.Statistic, 'MAXIMUM');
    assert.match(msg.NewStateReason, /^Threshold Crossed: 1 datapoint \[250\.0 \(.*\)\] was greater than the threshold \(100\.0\)\.$/);
    assert.ok(!received.some((r) => r.env.Message === 'early'), 'nothing was delivered before confirmation');
    assert.ok(latencyMs < 15_000, `threshold crossing to delivery took ${latencyMs} ms`);

    await h.alarms.idle();
    const hist = await cw({ Action: 'DescribeAlarmHistory', AlarmName: 'high-latency' });
    assert.match(hist.body, /<HistoryItemType>StateUpdate<\/HistoryItemType>/);
    assert.match(hist.body, /<HistoryItemType>Action<\/HistoryItemType>/);
    assert.match(hist.body, /<HistoryItemType>ConfigurationUpdate<\/HistoryItemType>/);
    console.log(`# threshold crossing → SNS delivery: ${latencyMs} ms`);
  });
});
