/**
 * The collector on a real redis-server: the command families come out of the node's own COMMAND
 * table (a hand-made fixture cannot prove the categories are read right), CPU and swap come from
 * the node's /proc entry, and a restart of the node gives no negative counter.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { AdminPool } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { MetricsCollector, SqliteMetricStore, procfsReader, type MetricDatum, type NodeTarget } from '../../src/metrics/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
const pool = new AdminPool({ commandTimeoutMs: 5000 });
let provider: LocalProcessProvider;

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-metrics-') });
  cleanup.defer(() => pool.closeAll());
});

test('families from the node\'s command table, CPU from /proc, no negative deltas across a restart', async () => {
  const spec = await testNodeSpec();
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  const target: NodeTarget = { key: spec.key, cacheClusterId: 'm-001', cacheNodeId: '0001', availabilityZone: 'us-east-1a', address: spec.address, port: spec.port };
  const clock = { now: Date.now() };
  const store = new SqliteMetricStore(':memory:', { now: () => clock.now });
  cleanup.defer(() => store.close());
  const collector = new MetricsCollector({
    targets: async () => [target], store, proc: procfsReader(), logger: silentLogger, now: () => clock.now,
    reader: {
      info: async (t) => String(await (await pool.ready(t.address, t.port)).info('all')),
      commands: async (t) => (await pool.ready(t.address, t.port)).call('COMMAND'),
    },
  }, { periodMs: 60_000, concurrency: 1, compactEveryMs: 60_000 });
  await collector.collect();
  const c = await pool.ready(spec.address, spec.port);
  await c.hset('h', 'f', '1');
  await c.hget('h', 'f');
  await c.lpush('l', 'a');
  await c.zadd('z', 1, 'a');
  await c.sadd('s', 'a');
  await c.xadd('x', '*', 'f', 'v');
  await c.eval('return 1', 0);
  await c.publish('ch', 'm');
  await c.pfadd('hll', 'a');
  await c.geoadd('geo', 13.361389, 38.115556, 'Palermo');
  await c.del('h');
  // Some CPU for the node to spend.
  for (let i = 0; i < 2000; i++) await c.set(`k${i}`, 'v');
  clock.now += 60_000;
  const data = await collector.collect();
  const value = (name: string) => data.find((d: MetricDatum) => d.metric.metricName === name)?.stats.sum;
  assert.equal(value('HashBasedCmds'), 2);
  assert.equal(value('ListBasedCmds'), 1);
  assert.equal(value('SortedSetBasedCmds'), 1);
  assert.equal(value('SetBasedCmds'), 1);
  assert.equal(value('StreamBasedCmds'), 1);
  assert.equal(value('EvalBasedCmds'), 1);
  assert.equal(value('PubSubBasedCmds'), 1);
  assert.equal(value('HyperLogLogBasedCmds'), 1);
  assert.equal(value('GeoSpatialBasedCmds'), 1);
  assert.equal(value('KeyBasedCmds'), 1);
  assert.equal(value('StringBasedCmds'), 2000);
  assert.ok(value('SetTypeCmds')! >= 2008, `SetTypeCmds ${value('SetTypeCmds')}`);
  assert.ok(value('HashBasedCmdsLatency')! > 0);
  assert.ok(value('CPUUtilization')! >= 0 && value('SwapUsage') !== undefined, 'CPU and swap from /proc');
  assert.equal(value('CurrItems'), 2000 + 6); // l, z, s, x, hll, geo (h was deleted)

  // A restarted node counts from zero: deltas are its new counters, never negative.
  await provider.restart(spec);
  const again = await provider.status(spec.key);
  cleanup.trackPid(again.pid, provider.paths(spec.key).conf);
  const c2 = await pool.ready(spec.address, spec.port);
  await c2.get('nothing');
  clock.now += 60_000;
  const after = await collector.collect();
  const v2 = (name: string) => after.find((d: MetricDatum) => d.metric.metricName === name)?.stats.sum;
  assert.equal(v2('CacheMisses'), 1);
  assert.equal(v2('CacheHits'), 0);
  for (const d of after) if (d.unit === 'Count') assert.ok(d.stats.sum >= 0, `${d.metric.metricName} ${d.stats.sum}`);
});
