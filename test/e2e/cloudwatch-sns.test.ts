/**
 * CloudWatch and SNS on the running service, driven by real clients: the aws CLI (the seeds' three
 * Terraform alarms as put-metric-alarm calls), boto3 (the seed's put_metric_alarm verbatim, the
 * endpoint added), the JS SDK over AWS JSON 1.0, RPC v2 CBOR and Query. An alarm with a 10 s period
 * on a custom metric crosses its threshold and a real HTTP receiver, subscribed through SNS
 * (confirmation through the SubscribeURL), gets the notification, checks that the signing
 * certificate served at SigningCertURL chains to the service's CA and verifies the signature. A
 * TestFailover delivers ElastiCache:FailoverComplete to the group's NotificationTopicArn.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { TestFailoverCommand } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { createGroup } from '../helpers/groups.js';
import { verifyEnvelope, type Envelope } from '../../src/sns/index.js';
import { waitFor } from '../../src/util/wait.js';

/** The seed's call (guide 004), verbatim but for the client's endpoint and region. */
const BOTO3_SEED = String.raw`
import sys, json
import boto3
cloudwatch = boto3.client("cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1")
# Alarm: cache hits too low (caching is not effective)
cloudwatch.put_metric_alarm(
AlarmName="ElastiCache-LowCacheHitRate",
MetricName="CacheHits",
Namespace="AWS/ElastiCache",
Dimensions=[{"Name": "CacheClusterId", "Value": "myapp-redis-001"}],
Statistic="Average",
Period=300,
EvaluationPeriods=3,
Threshold=0.7, # alert if hit rate < 70%
ComparisonOperator="LessThanThreshold",
AlarmActions=["arn:aws:sns:eu-west-1:123:ops-alerts"],
)
a = cloudwatch.describe_alarms(AlarmNames=["ElastiCache-LowCacheHitRate"])["MetricAlarms"][0]
print(json.dumps({"name": a["AlarmName"], "threshold": a["Threshold"], "protocol": cloudwatch.meta.service_model.protocol}))
`;

/** The seeds' Terraform alarms (guide 000): name, metric, threshold. */
const TERRAFORM_ALARMS = [
  ['redis-cpu-utilization', 'EngineCPUUtilization', '75', 'Redis CPU utilization is high'],
  ['redis-memory-utilization', 'DatabaseMemoryUsagePercentage', '80', 'Redis memory utilization is high'],
  ['redis-current-connections', 'CurrConnections', '1000', 'Redis connection count is high'],
] as const;

describe('CloudWatch and SNS end to end', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let receiver: Server;
  let hook = '';
  const received: Envelope[] = [];

  before(async () => {
    svc = await startService(cleanup, { args: ['--alarm-interval-ms', '1000'] });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push(JSON.parse(body) as Envelope); res.end(); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const a = receiver.address();
    hook = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/sns`;
  });
  after(async () => { await new Promise((r) => receiver.close(r)); });

  const sdk = () => ({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
  const awsWith = (cli: string) => (...args: string[]) =>
    runOk(cli, [...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
  const aws = awsWith('aws');

  /** The seeds' Terraform alarms as put-metric-alarm calls of `cli`, read back with describe-alarms. */
  async function terraformAlarms(cli: string, prefix: string): Promise<string> {
    const call = awsWith(cli);
    const topic = JSON.parse((await call('sns', 'create-topic', '--name', `${prefix}alerts`)).stdout).TopicArn as string;
    for (const [name, metric, threshold, description] of TERRAFORM_ALARMS) {
      await call('cloudwatch', 'put-metric-alarm', '--alarm-name', `${prefix}${name}`, '--comparison-operator', 'GreaterThanThreshold',
        '--evaluation-periods', '2', '--metric-name', metric, '--namespace', 'AWS/ElastiCache', '--period', '300',
        '--statistic', 'Average', '--threshold', threshold, '--alarm-description', description, '--alarm-actions', topic,
        '--dimensions', 'Name=CacheClusterId,Value=redis');
    }
    const out = JSON.parse((await call('cloudwatch', 'describe-alarms', '--alarm-name-prefix', `${prefix}redis-`)).stdout);
    assert.deepEqual(out.MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName).sort(), TERRAFORM_ALARMS.map(([n]) => `${prefix}${n}`).sort());
    assert.ok(out.MetricAlarms.every((a: { AlarmActions: string[] }) => a.AlarmActions[0] === topic));
    return topic;
  }

  test('the seeds\' three Terraform alarms through the aws CLI', async () => {
    await terraformAlarms('aws', '');
    // Unsigned requests are refused whatever the protocol.
    const unsigned = await fetch(`${svc.url}/`, { method: 'POST', headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.headers.get('x-amzn-query-error') ?? '', /^MissingAuthenticationToken;Sender$/);
  });

  test('Debian\'s aws CLI v2 speaks AWS Query to CloudWatch and SNS', async (t) => {
    // scripts/setup.sh --test installs Debian's awscli (/usr/bin/aws), whose models still have
    // CloudWatch on AWS Query; the aws on PATH may be a newer one speaking JSON or CBOR.
    const v2 = '/usr/bin/aws';
    const version = await run(v2, ['--version'], { timeoutMs: 30_000 }).catch(() => undefined);
    if (!version || !/^aws-cli\/2\./.test(version.stdout + version.stderr)) { t.skip(`${v2} is not an aws CLI v2`); return; }
    const debug = await run(v2, ['cloudwatch', 'list-metrics', '--endpoint-url', svc.url, '--debug'], { env: svc.env, timeoutMs: 60_000 });
    assert.equal(debug.code, 0, debug.stderr.slice(-2000));
    assert.match(debug.stderr, /'body': \{'Action': 'ListMetrics', 'Version': '2010-08-01'\}/, 'the request is an AWS Query form');
    const topic = await terraformAlarms(v2, 'v2-');
    assert.match(topic, /^arn:aws:sns:us-east-1:\d{12}:v2-alerts$/);
  });

  test('boto3: the seed\'s put_metric_alarm verbatim', async (t) => {
    const py = await pythonWith('boto3');
    if (!py) { t.skip('boto3 is not installed'); return; }
    const r = await run(py, ['-c', BOTO3_SEED, svc.url], { env: svc.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.name, 'ElastiCache-LowCacheHitRate');
    assert.equal(out.threshold, 0.7);
    t.diagnostic(`boto3 spoke ${out.protocol}`);
  });

  test('the JS SDK over JSON, CBOR and Query', async () => {
    const clients = {
      json: new CloudWatchClient(sdk()),
      cbor: new CloudWatchClient({ ...sdk(), protocol: new AwsSmithyRpcV2CborProtocol({ defaultNamespace: 'com.amazonaws.cloudwatch', awsQueryCompatible: true }) } as never),
      query: new CloudWatchClient({ ...sdk(), protocol: new AwsQueryProtocol({ defaultNamespace: 'com.amazonaws.cloudwatch', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/', version: '2010-08-01' }) } as never),
    };
    for (const [kind, cw] of Object.entries(clients)) {
      await cw.send(new PutMetricDataCommand({ Namespace: 'E2E', MetricData: [{ MetricName: `Put-${kind}`, Value: 1 }] }));
      const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'redis-' }));
      assert.equal(alarms.MetricAlarms?.length, 3, kind);
      await assert.rejects(cw.send(new PutMetricDataCommand({ Namespace: 'AWS/ElastiCache', MetricData: [{ MetricName: 'x', Value: 1 }] })),
        (e: Error) => /^InvalidParameterValue/.test(e.name));
      cw.destroy();
    }
  });

  test('an alarm with a 10 s period reaches a real HTTP receiver through SNS, signed', async () => {
    const sns = new SNSClient(sdk());
    const cw = new CloudWatchClient(sdk());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ops' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: hook }));
    const conf = await waitFor(() => received.find((e) => e.Type === 'SubscriptionConfirmation'), { timeoutMs: 10_000, what: 'the confirmation' });
    // What a receiver does: fetch the certificate, check it chains to the service's CA, verify.
    const certPem = await (await fetch(conf.SigningCertURL!)).text();
    const caPem = (await runOk(process.execPath, [CLI, 'ca', '--data-dir', svc.dataDir])).stdout;
    assert.ok(new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey), 'the signing certificate is issued by the service CA');
    assert.ok(verifyEnvelope(conf, certPem));
    assert.equal((await fetch(conf.SubscribeURL!)).status, 200);
    await cw.send(new PutMetricAlarmCommand({ AlarmName: 'queue-depth', Namespace: 'App', MetricName: 'QueueDepth', Statistic: 'Maximum',
      Period: 10, EvaluationPeriods: 1, Threshold: 100, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [TopicArn!] }));
    const crossed = Date.now();
    // High resolution, as a 10 s alarm needs (standard-resolution data is kept by the minute, as in CloudWatch).
    await cw.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: [{ MetricName: 'QueueDepth', Value: 500, StorageResolution: 1 }] }));
    const note = await waitFor(() => received.find((e) => e.Type === 'Notification' && e.Subject?.startsWith('ALARM: "queue-depth"')),
      { timeoutMs: 15_000, what: 'the alarm notification' });
    const tookMs = Date.now() - crossed;
    assert.ok(verifyEnvelope(note, certPem));
    assert.equal(JSON.parse(note.Message!).NewStateValue, 'ALARM');
    assert.ok(tookMs < 15_000);
    console.log(`# threshold crossing → SNS delivery on the running service: ${tookMs} ms`);
    sns.destroy();
    cw.destroy();
  });

  test('TestFailover delivers ElastiCache:FailoverComplete to the group\'s topic', async () => {
    const topic = 'arn:aws:sns:us-east-1:' + (await fetchAccount()) + ':ops';
    await createGroup(svc.client, { ReplicationGroupId: 'cw-fo', NumCacheClusters: 2, AutomaticFailoverEnabled: true, NotificationTopicArn: topic });
    await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: 'cw-fo', NodeGroupId: '0001' }));
    const note = await waitFor(() => received.find((e) => e.Type === 'Notification' && e.Subject === 'ElastiCache:FailoverComplete'),
      { timeoutMs: 60_000, what: 'the FailoverComplete notification' });
    assert.deepEqual(JSON.parse(note.Message!), { 'ElastiCache:FailoverComplete': 'cw-fo' });
  });

  async function fetchAccount(): Promise<string> {
    const out = JSON.parse((await aws('sns', 'list-topics')).stdout) as { Topics: Array<{ TopicArn: string }> };
    return out.Topics[0]!.TopicArn.split(':')[4]!;
  }
});
