import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { silentLogger } from '../util/logger.js';
import { MetricsCollector } from './collect/collector.js';
import { infoText } from './collect/fixtures.test-helpers.js';
import { metricsAccess } from './prometheus/access.js';
import { PrometheusExporter } from './prometheus/exporter.js';
import { queryPeriod, registerMetricsRoutes } from './routes.js';
import { SqliteMetricStore } from './store/sqlite-metric-store.js';

test('/metrics, /metrics/fleet and /metrics/recent, behind the access rules', async () => {
  let clock = 120_000;
  const target = { key: 'g-001-0001', cacheClusterId: 'g-001', cacheNodeId: '0001', replicationGroupId: 'g', availabilityZone: 'us-east-1a', address: '127.77.0.2', port: 6379 };
  let hits = 10;
  const store = new SqliteMetricStore(':memory:', { now: () => clock });
  const collector = new MetricsCollector({
    targets: async () => [target], store, logger: silentLogger, now: () => clock,
    reader: { info: async () => infoText({ run_id: 'a', role: 'master', keyspace_hits: hits, connected_clients: 2, instantaneous_ops_per_sec: 7 }), commands: async () => [] },
    proc: { process: async () => undefined, host: async () => ({ memAvailableBytes: 1, memTotalBytes: 2, cpuCount: 1 }) },
  }, { periodMs: 60_000, concurrency: 1, compactEveryMs: 60_000 });
  await collector.collect();
  clock += 60_000;
  hits += 5;
  await collector.collect();
  const app = Fastify();
  registerMetricsRoutes(app, {
    collector, store, now: () => clock,
    exporter: new PrometheusExporter({ readings: () => collector.readings() }),
    access: metricsAccess({ token: 't0ken' }),
  });
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  assert.match(metrics.body, /redis_keyspace_hits_total\{[^}]*cache_cluster="g-001"[^}]*\} 15/);
  assert.equal((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5', headers: { authorization: 'Bearer t0ken' } })).statusCode, 200);
  const fleet = (await app.inject({ method: 'GET', url: '/metrics/fleet' })).json() as { nodes: { cacheClusterId: string; opsPerSec: number; role: string }[] };
  assert.deepEqual(fleet.nodes.map((n) => [n.cacheClusterId, n.role, n.opsPerSec]), [['g-001', 'primary', 7]]);
  const recent = (await app.inject({ method: 'GET', url: '/metrics/recent?group=g&minutes=5' })).json() as { clusters: string[]; values: { metricName: string; value: number }[] };
  assert.deepEqual(recent.clusters, ['g-001']);
  assert.equal(recent.values.find((v) => v.metricName === 'CacheHits')?.value, 5);
  assert.equal(recent.values.find((v) => v.metricName === 'CurrConnections')?.value, 2);
  await app.close();
  await store.close();
});

test('queryPeriod: the CloudWatch period matching the collection period', () => {
  assert.equal(queryPeriod(60_000), 60);
  assert.equal(queryPeriod(10_000), 10);
  assert.equal(queryPeriod(15_000), 10);
  assert.equal(queryPeriod(90_000), 120);
});
