import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../util/logger.js';
import { SqliteMetricStore } from '../store/sqlite-metric-store.js';
import type { MetricDatum } from '../types.js';
import { MetricsCollector, type NodeReader } from './collector.js';
import { COMMAND_REPLY, infoText } from './fixtures.test-helpers.js';
import type { NodeTarget } from './targets.js';

const targets: NodeTarget[] = ['0001', '0002'].map((id, i) => ({
  key: `c-00${i + 1}-0001`, cacheClusterId: `c-00${i + 1}`, cacheNodeId: '0001', replicationGroupId: 'c',
  availabilityZone: 'us-east-1a', address: `127.77.0.${i + 2}`, port: 6379,
}));

test('collects every node, counts deltas between collections, stores and notifies; an unreachable node is reported', async () => {
  let clock = 60_000;
  let hits = 100;
  let commandCalls = 0;
  let down = false;
  const reader: NodeReader = {
    async info(t) {
      if (t.cacheClusterId === 'c-002') {
        if (down) throw new Error('refused');
        return infoText({ run_id: 'r2', role: 'slave', master_host: '127.77.0.2', master_port: 6379, master_link_status: 'up', master_last_io_seconds_ago: 3, redis_version: '7.0.15' });
      }
      return infoText({ run_id: 'r1', role: 'master', redis_version: '7.0.15', keyspace_hits: hits, connected_slaves: 1,
        slave0: 'ip=127.77.0.3,port=6379,state=online,offset=1,lag=0', cmdstat_get: `calls=${hits},usec=${hits * 2}` });
    },
    async commands() { commandCalls++; return COMMAND_REPLY; },
  };
  const store = new SqliteMetricStore(':memory:', { now: () => clock });
  const collector = new MetricsCollector({
    targets: async () => targets, reader, store, logger: silentLogger, now: () => clock,
    proc: { process: async () => undefined, host: async () => ({ memAvailableBytes: 1, memTotalBytes: 2, cpuCount: 1 }) },
    serviceMetrics: (atMs) => [{ metric: { namespace: 'cachefleet', metricName: 'ReconcilePassTime', dimensions: [] }, timestampMs: atMs, unit: 'Milliseconds', stats: { sampleCount: 1, sum: 5, minimum: 5, maximum: 5 }, storageResolution: 60 }],
  }, { periodMs: 60_000, concurrency: 2, compactEveryMs: 60_000 });
  const heard: MetricDatum[][] = [];
  collector.onData((d) => heard.push(d));
  await collector.collect();
  clock += 60_000;
  hits += 42;
  down = true;
  const data = await collector.collect();
  const value = (name: string, cluster: string) => data.find((d) => d.metric.metricName === name && d.metric.dimensions.length === 2 && d.metric.dimensions[0]!.value === cluster)?.stats.sum;
  assert.equal(value('CacheHits', 'c-001'), 42);
  assert.equal(value('GetTypeCmds', 'c-001'), 42);
  assert.equal(value('CurrConnections', 'c-002'), undefined);
  assert.equal(heard.length, 2);
  assert.equal(commandCalls, 1, 'the command table is read once per engine version');
  assert.ok(data.some((d) => d.metric.namespace === 'cachefleet'));
  const readings = collector.readings();
  assert.equal(readings.find((r) => r.target.cacheClusterId === 'c-002')!.error, 'refused');
  const [p] = await store.query({ metric: { namespace: 'AWS/ElastiCache', metricName: 'CacheHits', dimensions: [{ name: 'CacheClusterId', value: 'c-001' }] }, startMs: 0, endMs: clock + 1, periodS: 3600 });
  assert.equal(p!.stats.sum, 42);
  await store.close();
});

test('the replica\'s lag comes from its primary read in the same collection', async () => {
  const reader: NodeReader = {
    async info(t) {
      return t.cacheClusterId === 'c-002'
        ? infoText({ run_id: 'r2', role: 'slave', master_host: '127.77.0.2', master_port: 6379, master_link_status: 'up', master_last_io_seconds_ago: 3 })
        : infoText({ run_id: 'r1', role: 'master', connected_slaves: 1, slave0: 'ip=127.77.0.3,port=6379,state=online,offset=1,lag=1' });
    },
    async commands() { return []; },
  };
  const store = new SqliteMetricStore(':memory:');
  const collector = new MetricsCollector({
    targets: async () => targets, reader, store, logger: silentLogger,
    proc: { process: async () => undefined, host: async () => ({ memAvailableBytes: 1, memTotalBytes: 2, cpuCount: 1 }) },
  });
  const data = await collector.collect();
  assert.equal(data.find((d) => d.metric.metricName === 'ReplicationLag')?.stats.sum, 1);
  await store.close();
});
