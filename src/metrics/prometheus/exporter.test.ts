import assert from 'node:assert/strict';
import { test } from 'node:test';
import { infoText } from '../collect/fixtures.test-helpers.js';
import { parseNodeSample } from '../collect/node-sample.js';
import { ServiceMetrics } from '../service-metrics.js';
import { PrometheusExporter } from './exporter.js';

test('node series with redis_exporter names and fleet labels, the service\'s own beside them', async () => {
  const sample = parseNodeSample(infoText({
    role: 'master', connected_clients: 4, used_memory: 1234, keyspace_hits: 9, redis_version: '7.0.15',
    cmdstat_get: 'calls=9,usec=18', db0: 'keys=3,expires=1,avg_ttl=2000', errorstat_ERR: 'count=2', connected_slaves: 1, master_repl_offset: 77,
  }), 0);
  const target = { key: 'k', cacheClusterId: 'g-001', cacheNodeId: '0001', replicationGroupId: 'g', availabilityZone: 'us-east-1a', address: '127.77.0.2', port: 6379 };
  const service = new ServiceMetrics();
  service.failover();
  const exporter = new PrometheusExporter({
    readings: () => [{ target, sample }, { target: { ...target, key: 'k2', cacheClusterId: 'g-002', address: '127.77.0.3' }, error: 'refused' }],
    registries: [service.registry], lastCollectionMs: () => 5000,
  });
  const text = await exporter.text();
  const labels = 'replication_group="g",cache_cluster="g-001",node="0001",role="master",az="us-east-1a",instance="127.77.0.2:6379"';
  assert.match(text, new RegExp(`redis_up\\{${labels}\\} 1`));
  assert.match(text, /redis_up\{[^}]*cache_cluster="g-002"[^}]*\} 0/);
  assert.match(text, new RegExp(`redis_connected_clients\\{${labels}\\} 4`));
  assert.match(text, new RegExp(`redis_keyspace_hits_total\\{${labels}\\} 9`));
  assert.match(text, /# TYPE redis_keyspace_hits_total counter/);
  assert.match(text, new RegExp(`redis_commands_total\\{${labels},cmd="get"\\} 9`));
  assert.match(text, new RegExp(`redis_commands_duration_seconds_total\\{${labels},cmd="get"\\} 0.000018`));
  assert.match(text, new RegExp(`redis_db_keys\\{${labels},db="db0"\\} 3`));
  assert.match(text, /redis_errors_total\{[^}]*err="ERR"\} 2/);
  assert.match(text, /redis_instance_info\{[^}]*redis_version="7.0.15"/);
  assert.match(text, /cachefleet_failovers_total 1/);
  assert.match(text, /cachefleet_metrics_last_collection_timestamp_seconds 5/);
  assert.match(text, /cachefleet_process_cpu_seconds_total/);
  // A second scrape after a node went away shows it no more.
  const again = new PrometheusExporter({ readings: () => [] });
  assert.doesNotMatch(await again.text(), /redis_up\{/);
});
