/**
 * CloudWatch and SNS on the running service (issue 13):
 *  - time from a threshold crossing (the PutMetricData that crosses it) to the SNS delivery at an
 *    HTTP receiver, for alarms with a 10-second period, the service's alarm timer at its default:
 *    on `Maximum` (a breach in the period under way is final: evaluated at once) and on `Average`
 *    (the period must end first: the bound is the period);
 *  - GetMetricData p50 for one day of 1-minute data across 10 metrics (put through PutMetricData),
 *    through the JS SDK (AWS JSON 1.0), with and without a metric math expression over the 10.
 * The metric store is the service's (metrics.db); the crossing is put at high resolution, as a 10 s alarm needs.
 *
 * Use from bench/index.ts (section "cloudwatch"), or on its own:
 *   npm run build && node dist/bench/cloudwatch.js [--quick]
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { CloudWatchClient, GetMetricDataCommand, PutMetricAlarmCommand, PutMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { waitFor } from '../src/util/wait.js';
import { runStandalone, type BenchService } from './service.js';
import { max, median, ms, now, progress, table, type Row } from './stats.js';

export interface CloudWatchResult {
  deliveryMs: number[];
  averageDeliveryMs: number[];
  getDataMs: number[];
  getMathMs: number[];
  points: number;
}

export async function measureCloudWatch(svc: BenchService, quick: boolean): Promise<CloudWatchResult> {
  const opts = { endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 };
  const cw = new CloudWatchClient(opts);
  const sns = new SNSClient(opts);
  const got = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const env = JSON.parse(body) as { Type: string; SubscribeURL?: string; Subject?: string };
      if (env.Type === 'SubscriptionConfirmation') void fetch(env.SubscribeURL!);
      else if (env.Subject) got.set(env.Subject, now());
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const a = receiver.address();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-alarms' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` }));
    // The receiver visits the confirmation's SubscribeURL; the subscription then shows its ARN.
    await waitFor(async () => (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions?.[0]?.SubscriptionArn !== 'PendingConfirmation',
      { timeoutMs: 10_000, what: 'the subscription to be confirmed' });
    const reps = quick ? 3 : 10;
    progress(`${reps} alarms with a 10 s period crossing their threshold → SNS delivery`);
    const crossing = async (name: string, statistic: 'Maximum' | 'Average') => {
      await cw.send(new PutMetricAlarmCommand({ AlarmName: name, Namespace: 'Bench', MetricName: name, Statistic: statistic, Period: 10,
        EvaluationPeriods: 1, Threshold: 100, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [TopicArn!], TreatMissingData: 'ignore' }));
      const t0 = now();
      await cw.send(new PutMetricDataCommand({ Namespace: 'Bench', MetricData: [{ MetricName: name, Value: 500, StorageResolution: 1 }] }));
      const subject = `ALARM: "${name}" in US East (N. Virginia)`;
      await waitFor(() => got.has(subject), { timeoutMs: 30_000, intervalMs: 5, what: `the notification of ${name}` });
      return got.get(subject)! - t0;
    };
    const deliveryMs: number[] = [];
    for (let i = 0; i < reps; i++) deliveryMs.push(await crossing(`bench-max-${i}`, 'Maximum'));
    const averageDeliveryMs: number[] = [];
    const averageReps = quick ? 2 : 5;
    progress(`${averageReps} Average alarms (10 s period): delivery once the period ends`);
    for (let i = 0; i < averageReps; i++) averageDeliveryMs.push(await crossing(`bench-avg-${i}`, 'Average'));

    progress('one day of 1-minute data for 10 metrics, then GetMetricData');
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - 86_400_000;
    for (let m = 0; m < 10; m++) {
      for (let t = start; t < end; t += 1000 * 60_000) {
        const batch = [];
        for (let k = t; k < Math.min(end, t + 1000 * 60_000); k += 60_000) batch.push({ MetricName: `M${m}`, Value: (k / 60_000) % 97, Timestamp: new Date(k) });
        await cw.send(new PutMetricDataCommand({ Namespace: 'BenchDay', MetricData: batch }));
      }
    }
    const stats: MetricDataQuery[] = Array.from({ length: 10 }, (_, m) => ({ Id: `m${m}`, MetricStat: { Metric: { Namespace: 'BenchDay', MetricName: `M${m}` }, Period: 60, Stat: 'Average' } }));
    const calls = quick ? 20 : 100;
    const time = async (queries: MetricDataQuery[]) => {
      const t0 = now();
      const out = await cw.send(new GetMetricDataCommand({ StartTime: new Date(start), EndTime: new Date(end), MetricDataQueries: queries }));
      const points = out.MetricDataResults!.reduce((s, r) => s + r.Values!.length, 0);
      return { ms: now() - t0, points };
    };
    const math = [...stats.map((q) => ({ ...q, ReturnData: false })), { Id: 'total', Expression: 'SUM(METRICS())' }, { Id: 'avg', Expression: 'AVG([m0, m1, m2, m3, m4]) * 2' }];
    const getDataMs: number[] = [];
    const getMathMs: number[] = [];
    let points = 0;
    for (let i = 0; i < 5; i++) { await time(stats); await time(math); }
    for (let i = 0; i < calls; i++) {
      const a1 = await time(stats);
      points = a1.points;
      getDataMs.push(a1.ms);
      getMathMs.push((await time(math)).ms);
    }
    return { deliveryMs, averageDeliveryMs, getDataMs, getMathMs, points };
  } finally {
    cw.destroy();
    sns.destroy();
    await new Promise((r) => receiver.close(r));
  }
}

export function cloudWatchRows(r: CloudWatchResult): Row[] {
  return [
    { measure: `Maximum alarm (10 s period): crossing → SNS delivery at an HTTP receiver, ${r.deliveryMs.length} alarms (median)`, value: ms(median(r.deliveryMs), 0), goal: '< 15 s', ok: median(r.deliveryMs) < 15_000 },
    { measure: 'Alarm threshold crossing → SNS delivery (max)', value: ms(max(r.deliveryMs), 0), goal: '< 15 s', ok: max(r.deliveryMs) < 15_000 },
    { measure: `Average alarm (10 s period): crossing → SNS delivery, ${r.averageDeliveryMs.length} alarms (median / max)`,
      value: `${ms(median(r.averageDeliveryMs), 0)} / ${ms(max(r.averageDeliveryMs), 0)}`, goal: '< 15 s', ok: max(r.averageDeliveryMs) < 15_000 },
    { measure: `GetMetricData, 10 metrics × one day of 1-minute data (${r.points} points), JS SDK (p50)`, value: ms(median(r.getDataMs)), goal: '' },
    { measure: 'GetMetricData, the same with SUM(METRICS()) and AVG([…]) * 2 (p50)', value: ms(median(r.getMathMs)), goal: '' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStandalone(async (svc, quick) => table(cloudWatchRows(await measureCloudWatch(svc, quick))));
}
