import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceMetrics } from './service-metrics.js';

test('the period\'s values flush as datums once, and show in the registry', async () => {
  const m = new ServiceMetrics();
  m.apiRequest(5, 200);
  m.apiRequest(15, 400);
  m.reconcilePass(30);
  m.failover();
  m.healthCheck('ok');
  m.healthCheck('timeout');
  m.healthCheck('weird');
  const data = m.flush(1000, 60);
  const byName = new Map(data.map((d) => [`${d.metric.metricName}${JSON.stringify(d.metric.dimensions)}`, d]));
  assert.deepEqual(byName.get('ApiLatency[]')!.stats, { sampleCount: 2, sum: 20, minimum: 5, maximum: 15 });
  assert.deepEqual(byName.get('ApiLatency[]')!.values, [5, 15]);
  assert.equal(byName.get('Failovers[]')!.stats.sum, 1);
  assert.equal(byName.get('HealthChecks[{"name":"Outcome","value":"error"}]')!.stats.sum, 1);
  assert.deepEqual(m.flush(2000, 60), []);
  const text = await m.registry.metrics();
  assert.match(text, /cachefleet_failovers_total 1/);
  assert.match(text, /cachefleet_health_checks_total\{outcome="timeout"\} 1/);
  assert.match(text, /cachefleet_api_request_duration_seconds_count\{status="4xx"\} 1/);
});
