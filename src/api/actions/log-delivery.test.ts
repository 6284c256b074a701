/**
 * LogDeliveryConfigurations on CreateReplicationGroup, CreateCacheCluster and their Modify calls:
 * refused as ElastiCache refuses them (kinesis-firehose, a missing log group, bad formats),
 * recorded as desired state, and shown by describe calls with the Status the delivery
 * controller's observations give it (enabling → active, modifying with the pending one, disabling).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { LogDeliveryAccess, Services } from '../../core/index.js';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import type { ActionFactory } from './define.js';
import DescribeCacheClusters from './DescribeCacheClusters.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import { assertFaultChangesNothing, fakeEngine, makeTestServices, type TestServices } from './test-services.js';
import { setGroupStatus } from '../../resources/test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

type Observation = NonNullable<ReturnType<LogDeliveryAccess['observed']>>;

async function harness() {
  t = await makeTestServices({ engines: [fakeEngine()] });
  const groups = new Set(['slow-logs', 'other-logs']);
  const observed = new Map<string, Observation>();
  const svc: Services = {
    ...t.svc,
    logDelivery: { logGroupExists: (n) => groups.has(n), observed: (id, type) => observed.get(`${id}/${type}`) },
  };
  const call = <O = any>(a: ActionFactory, input: object) => a(svc).handle(input, { requestId: 'r', action: a(svc).name }) as Promise<O>;
  return { svc, call, observed };
}

const slowLog = (group: string, extra: object = {}) => ({
  LogType: 'slow-log', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: group } }, LogFormat: 'json', ...extra,
});
const rg = (configs: object[]) => ({ ReplicationGroupId: 'logged', ReplicationGroupDescription: 'd', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2, LogDeliveryConfigurations: configs });

test('bad LogDeliveryConfigurations are refused with ElastiCache\'s codes and change nothing', async () => {
  const h = await harness();
  const cases: [object, string, RegExp][] = [
    [slowLog('slow-logs', { DestinationType: 'kinesis-firehose', DestinationDetails: { KinesisFirehoseDetails: { DeliveryStream: 's' } } }), 'InvalidParameterValue', /kinesis-firehose is not supported/],
    [slowLog('missing-group'), 'InvalidParameterValue', /log group missing-group does not exist/],
    [slowLog('slow-logs', { LogFormat: 'xml' }), 'InvalidParameterValue', /LogFormat/],
    [slowLog('slow-logs', { LogType: 'audit-log' }), 'InvalidParameterValue', /LogType/],
    [slowLog('slow-logs', { DestinationDetails: {} }), 'InvalidParameterValue', /LogGroup is required/],
  ];
  for (const [config, code, message] of cases) {
    const err = await assertFaultChangesNothing(t!.svc, () => h.call(CreateReplicationGroup, rg([config])), code);
    assert.match(err.message, message);
  }
  const twice = await assertFaultChangesNothing(t!.svc, () => h.call(CreateReplicationGroup, rg([slowLog('slow-logs'), slowLog('other-logs')])), 'InvalidParameterCombination');
  assert.match(twice.message, /more than once/);
});

test('a delivery is enabling until every member delivers it, then active; a change is modifying with the new one pending; off is disabling', async () => {
  const h = await harness();
  const created = await h.call(CreateReplicationGroup, rg([slowLog('slow-logs')]));
  assert.equal(created.ReplicationGroup.LogDeliveryConfigurations[0].Status, 'enabling');
  const cluster = await t!.store.get('cacheCluster', 'logged-001');
  assert.deepEqual(cluster!.doc.logDelivery, [{ logType: 'slow-log', destinationType: 'cloudwatch-logs', logGroup: 'slow-logs', logFormat: 'json', enabled: true }]);
  const describe = async () => (await h.call(DescribeReplicationGroups, { ReplicationGroupId: 'logged' })).ReplicationGroups[0];
  h.observed.set('logged-001/slow-log', { configKey: 'cloudwatch-logs:json:slow-logs', status: 'active' });
  assert.equal((await describe()).LogDeliveryConfigurations[0].Status, 'enabling', 'one of two members delivers');
  h.observed.set('logged-002/slow-log', { configKey: 'cloudwatch-logs:json:slow-logs', status: 'active' });
  assert.deepEqual((await describe()).LogDeliveryConfigurations, [{
    LogType: 'slow-log', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: 'slow-logs' } }, LogFormat: 'json', Status: 'active',
  }]);
  const clusters = await h.call(DescribeCacheClusters, { CacheClusterId: 'logged-001' });
  assert.equal(clusters.CacheClusters[0].LogDeliveryConfigurations[0].Status, 'active');
  assert.equal(clusters.CacheClusters[0].ReplicationGroupLogDeliveryEnabled, true);

  await setGroupStatus(t!.store, 'logged', (g) => { g.status = 'available'; });
  await h.call(ModifyReplicationGroup, { ReplicationGroupId: 'logged', ApplyImmediately: true, LogDeliveryConfigurations: [slowLog('other-logs', { LogFormat: 'text' })] });
  const modifying = await describe();
  assert.equal(modifying.LogDeliveryConfigurations[0].Status, 'modifying');
  assert.equal(modifying.LogDeliveryConfigurations[0].DestinationDetails.CloudWatchLogsDetails.LogGroup, 'slow-logs');
  assert.deepEqual(modifying.PendingModifiedValues.LogDeliveryConfigurations, [{
    LogType: 'slow-log', DestinationType: 'cloudwatch-logs', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: 'other-logs' } }, LogFormat: 'text',
  }]);
  h.observed.set('logged-001/slow-log', { configKey: 'cloudwatch-logs:text:other-logs', status: 'error', message: 'The CloudWatch Logs log group other-logs does not exist.' });
  const error = (await describe()).LogDeliveryConfigurations[0];
  assert.equal(error.Status, 'error');
  assert.match(error.Message, /does not exist/);

  await setGroupStatus(t!.store, 'logged', (g) => { g.status = 'available'; });
  await h.call(ModifyReplicationGroup, { ReplicationGroupId: 'logged', ApplyImmediately: true, LogDeliveryConfigurations: [{ LogType: 'slow-log', Enabled: false }] });
  assert.equal((await describe()).LogDeliveryConfigurations[0].Status, 'disabling');
  h.observed.clear();
  assert.deepEqual((await describe()).LogDeliveryConfigurations, []);
});

test('CreateCacheCluster takes an engine-log delivery in TEXT', async () => {
  const h = await harness();
  const out = await h.call(CreateCacheCluster, {
    CacheClusterId: 'solo', CacheNodeType: 'cache.t3.micro',
    LogDeliveryConfigurations: [slowLog('slow-logs', { LogType: 'engine-log', LogFormat: 'text' })],
  });
  assert.equal(out.CacheCluster.LogDeliveryConfigurations[0].LogType, 'engine-log');
  assert.equal(out.CacheCluster.LogDeliveryConfigurations[0].LogFormat, 'text');
  assert.equal(out.CacheCluster.ReplicationGroupLogDeliveryEnabled, false);
});
