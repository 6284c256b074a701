/**
 * Slow-log delivery to CloudWatch Logs on the running service, with real clients: boto3 creates
 * the log group (logs.create_log_group), the aws CLI creates a group whose parameter group sets
 * `slowlog-log-slower-than 0` with the seeds' Terraform `log_delivery_configuration` as
 * `--log-delivery-configurations`, commands run on the node, and the aws CLI and boto3 read them
 * back (GetLogEvents, FilterLogEvents with a JSON pattern) as JSON with ElastiCache's documented
 * fields. Then kill -9 of the control plane, more commands while it is down and after its restart:
 * each command's entry is delivered exactly once (no duplicates, no gaps), and again across a
 * TestFailover (one stream per node, the new primary's commands in its own). kinesis-firehose is refused.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TestFailoverCommand } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { healthy } from '../helpers/e2e-query.js';
import { describeGroup, endpoint, primaryOf, waitAvailable } from '../helpers/groups.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'slowlog-rg';
const LOG_GROUP = '/aws/elasticache/slowlog-rg/slow-log';
const STREAM = `${GROUP}-001-0001-slow-log`;
const REPLICA_STREAM = `${GROUP}-002-0001-slow-log`;
/** The seeds' Terraform block (destination, destination_type, log_format, log_type) as the API takes it. */
const DELIVERY = [{ LogType: 'slow-log', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: LOG_GROUP } }, LogFormat: 'json', Enabled: true }];
const WRITER = 'e2e-writer';

const BOTO3 = String.raw`
import sys, json, boto3
logs = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
if sys.argv[2] == "create":
    logs.create_log_group(logGroupName=sys.argv[3])
    g = logs.describe_log_groups(logGroupNamePrefix=sys.argv[3])["logGroups"][0]
    print(json.dumps({"name": g["logGroupName"], "arn": g["arn"]}))
else:
    ev = logs.get_log_events(logGroupName=sys.argv[3], logStreamName=sys.argv[4], startFromHead=True)["events"]
    print(json.dumps([json.loads(e["message"]) for e in ev]))
`;

interface SlowEntry { stream?: string; CacheClusterId: string; CacheNodeId: string; Id: number; Timestamp: number; Duration: number; Command: string; ClientAddress: string; ClientName: string }

describe('slow-log delivery to CloudWatch Logs', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let py: string | undefined;
  let redis: Redis;

  const aws = (...args: string[]) => runOk('aws', [...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
  /** Every slow-log entry the writer's `set` commands left, as FilterLogEvents returns them (the aws CLI pages through all). */
  const writerSets = async (): Promise<SlowEntry[]> => {
    const out = JSON.parse((await aws('logs', 'filter-log-events', '--log-group-name', LOG_GROUP,
      '--filter-pattern', `{ $.ClientName = "${WRITER}" && $.Command = "set (2 more arguments)" }`)).stdout) as { events: { message: string }[] };
    return (out.events as { message: string; logStreamName: string }[]).map((e) => ({ ...JSON.parse(e.message) as SlowEntry, stream: e.logStreamName }));
  };
  /** A client of the group's primary endpoint named WRITER (the name its slow log entries carry). */
  const connectWriter = async () => {
    const ep = endpoint(await describeGroup(svc.client, GROUP), 'PrimaryEndpoint');
    const c = new Redis({ host: ep.host, port: ep.port, lazyConnect: true, maxRetriesPerRequest: 1, connectionName: WRITER });
    cleanup.defer(() => c.disconnect());
    // A failover closes the old primary's connections; the test connects again rather than retrying.
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const writeSets = async (prefix: string, n: number) => {
    for (let i = 0; i < n; i++) assert.equal(await redis.set(`${prefix}:${i}`, String(i)), 'OK');
  };

  before(async () => {
    svc = await startService(cleanup, { args: ['--log-delivery-interval-ms', '300'] });
    py = await pythonWith('boto3');
    if (py) {
      const created = JSON.parse((await runOk(py, ['-c', BOTO3, svc.url, 'create', LOG_GROUP], { env: svc.env, timeoutMs: 60_000 })).stdout);
      assert.match(created.arn, new RegExp(`^arn:aws:logs:us-east-1:\\d{12}:log-group:${LOG_GROUP}:\\*$`));
    } else {
      await aws('logs', 'create-log-group', '--log-group-name', LOG_GROUP);
    }
    await aws('elasticache', 'create-cache-parameter-group', '--cache-parameter-group-name', 'slowlog-all', '--cache-parameter-group-family', 'redis7',
      '--description', 'every command in the slow log');
    await aws('elasticache', 'modify-cache-parameter-group', '--cache-parameter-group-name', 'slowlog-all',
      '--parameter-name-values', 'ParameterName=slowlog-log-slower-than,ParameterValue=0');
    await aws('elasticache', 'create-replication-group', '--replication-group-id', GROUP, '--replication-group-description', 'slow log delivery',
      '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '2', '--automatic-failover-enabled', '--cache-parameter-group-name', 'slowlog-all',
      '--log-delivery-configurations', JSON.stringify(DELIVERY));
    await waitAvailable(svc.client, GROUP, 30_000);
    redis = await connectWriter();
  });

  test('kinesis-firehose is refused with InvalidParameterValue', async () => {
    const r = await run('aws', ['elasticache', 'modify-replication-group', '--replication-group-id', GROUP, '--apply-immediately',
      '--log-delivery-configurations', JSON.stringify([{ LogType: 'engine-log', DestinationType: 'kinesis-firehose',
        DestinationDetails: { KinesisFirehoseDetails: { DeliveryStream: 's' } }, LogFormat: 'json', Enabled: true }]),
      '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidParameterValue/);
    assert.match(r.stderr, /kinesis-firehose is not supported/);
  });

  test('the delivery turns active and the commands arrive as JSON with the documented fields', async () => {
    await waitFor(async () => (await describeGroup(svc.client, GROUP)).LogDeliveryConfigurations?.[0]?.Status === 'active',
      { timeoutMs: 15_000, what: 'the slow-log delivery to be active' });
    const g = await describeGroup(svc.client, GROUP);
    assert.equal(g.LogDeliveryConfigurations![0]!.DestinationDetails!.CloudWatchLogsDetails!.LogGroup, LOG_GROUP);
    await writeSets('before', 20);
    const entries = await waitFor(async () => { const e = await writerSets(); return e.length >= 20 ? e : undefined; },
      { timeoutMs: 15_000, what: 'the 20 commands in the log group' });
    const { stream, ...e } = entries[0]!;
    assert.equal(stream, STREAM);
    assert.deepEqual(Object.keys(e), ['CacheClusterId', 'CacheNodeId', 'Id', 'Timestamp', 'Duration', 'Command', 'ClientAddress', 'ClientName']);
    assert.equal(e.CacheClusterId, `${GROUP}-001`);
    assert.equal(e.CacheNodeId, '0001');
    assert.equal(e.Command, 'set (2 more arguments)', 'keys and values are never shipped');
    assert.ok(Math.abs(e.Timestamp - Date.now() / 1000) < 120);
    assert.ok(e.Duration >= 0);
    assert.match(e.ClientAddress, /^127\.\d+\.\d+\.\d+:\d+$/);
    const streams = JSON.parse((await aws('logs', 'describe-log-streams', '--log-group-name', LOG_GROUP)).stdout).logStreams as { logStreamName: string }[];
    assert.deepEqual(streams.map((s) => s.logStreamName), [STREAM, REPLICA_STREAM], 'one stream per node');
    if (py) {
      const read = JSON.parse((await runOk(py, ['-c', BOTO3, svc.url, 'read', LOG_GROUP, STREAM], { env: svc.env, timeoutMs: 60_000 })).stdout) as SlowEntry[];
      assert.ok(read.filter((x) => x.ClientName === WRITER && x.Command.startsWith('set')).length >= 20, 'boto3 get_log_events reads them too');
    }
  });

  test('kill -9 of the control plane and its restart: every command delivered once, none missing', async () => {
    const oldPid = svc.pid();
    await svc.kill9();
    await writeSets('while-down', 20);
    await svc.restart();
    await waitFor(async () => svc.pid() !== oldPid && (await serverFilePid(svc)) === svc.pid() && (await healthy(svc.url)),
      { timeoutMs: 15_000, what: 'the restarted service to answer' });
    await writeSets('after', 20);
    const entries = await waitFor(async () => { const e = await writerSets(); return e.length >= 60 ? e : undefined; },
      { timeoutMs: 20_000, what: 'all 60 commands in the log group' });
    const ids = entries.map((x) => x.Id);
    assert.equal(new Set(ids).size, ids.length, 'no entry delivered twice');
    assert.equal(ids.length, 60, 'exactly the 60 commands sent');
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'in the order they ran');
    // Nothing else was delivered twice either (the whole stream, the control plane's own commands left out).
    const all = JSON.parse((await aws('logs', 'get-log-events', '--log-group-name', LOG_GROUP, '--log-stream-name', STREAM, '--start-from-head')).stdout)
      .events.map((x: { message: string }) => (JSON.parse(x.message) as SlowEntry).Id) as number[];
    assert.equal(new Set(all).size, all.length);
  });

  test('a failover: the new primary\'s commands arrive in its own stream, nothing twice or missing', async () => {
    const before = primaryOf(await describeGroup(svc.client, GROUP));
    await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: GROUP, NodeGroupId: '0001' }));
    await waitAvailable(svc.client, GROUP, 30_000, (g) => primaryOf(g) !== before);
    redis.disconnect();
    redis = await connectWriter();
    await writeSets('after-failover', 20);
    const entries = await waitFor(async () => { const e = await writerSets(); return e.length >= 80 ? e : undefined; },
      { timeoutMs: 20_000, what: 'the 20 commands on the new primary' });
    assert.equal(entries.length, 80);
    const onNew = entries.filter((e) => e.stream === REPLICA_STREAM);
    assert.equal(onNew.length, 20, 'the new primary (…-002) logged them');
    assert.ok(onNew.every((e) => e.CacheClusterId === `${GROUP}-002`));
    for (const stream of [STREAM, REPLICA_STREAM]) {
      const ids = entries.filter((e) => e.stream === stream).map((e) => e.Id);
      assert.equal(new Set(ids).size, ids.length, `no entry of ${stream} twice`);
    }
  });

  test('engine-log delivery added by modify-replication-group ships redis.log lines as JSON', async () => {
    const ENGINE_GROUP = '/aws/elasticache/slowlog-rg/engine-log';
    await aws('logs', 'create-log-group', '--log-group-name', ENGINE_GROUP);
    await aws('elasticache', 'modify-replication-group', '--replication-group-id', GROUP, '--apply-immediately', '--log-delivery-configurations',
      JSON.stringify([{ LogType: 'engine-log', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: ENGINE_GROUP } }, LogFormat: 'json', Enabled: true }]));
    await waitFor(async () => (await describeGroup(svc.client, GROUP)).LogDeliveryConfigurations?.find((c) => c.LogType === 'engine-log')?.Status === 'active',
      { timeoutMs: 15_000, what: 'the engine-log delivery to be active' });
    const events = JSON.parse((await aws('logs', 'filter-log-events', '--log-group-name', ENGINE_GROUP, '--filter-pattern', '"Ready to accept connections"')).stdout)
      .events as { logStreamName: string; message: string }[];
    assert.deepEqual([...new Set(events.map((x) => x.logStreamName))].sort(), [`${GROUP}-001-0001-engine-log`, `${GROUP}-002-0001-engine-log`],
      'each node\'s start is in its own engine log stream');
    const e = JSON.parse(events.find((x) => x.logStreamName === `${GROUP}-001-0001-engine-log`)!.message) as Record<string, string>;
    assert.deepEqual(Object.keys(e), ['CacheClusterId', 'CacheNodeId', 'LogLevel', 'Time', 'Role', 'Message']);
    assert.match(e.Time!, /^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} UTC$/);
    assert.equal(e.LogLevel, 'NOTICE');
    assert.equal(e.Role, 'M');
    // Both deliveries are shown, the slow log's still active.
    const configs = (await describeGroup(svc.client, GROUP)).LogDeliveryConfigurations!;
    assert.deepEqual(configs.map((c) => [c.LogType, c.Status]), [['engine-log', 'active'], ['slow-log', 'active']]);
  });
});

async function serverFilePid(svc: TestService): Promise<number | undefined> {
  const text = await readFile(join(svc.dataDir, 'server.json'), 'utf8').catch(() => '');
  try { return (JSON.parse(text) as { pid: number }).pid; } catch { return undefined; }
}
