/**
 * The service's own metrics: API latency, reconcile pass time, failovers, health-check outcomes.
 * Each is kept twice: in prom-client's registry for /metrics (histograms and counters), and as
 * the period's raw values, flushed by the collector into the store under the `cachefleet`
 * namespace (so CloudWatch's API and alarms see them, with percentiles).
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { MetricDatum, StandardUnit } from './types.js';

export const SERVICE_NAMESPACE = 'cachefleet';

interface Pending {
  unit: StandardUnit;
  dims: Record<string, string>;
  /** Latencies: the raw values (for percentiles). */
  values: number[];
  /** Counts: their running total (a health check a second per node must not keep an array). */
  total: number;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly apiLatency = new Histogram({
    name: 'cachefleet_api_request_duration_seconds', help: 'API requests by outcome (HTTP status class)',
    labelNames: ['status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly passTime = new Histogram({
    name: 'cachefleet_reconcile_pass_duration_seconds', help: 'Reconcile passes', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly failovers = new Counter({ name: 'cachefleet_failovers_total', help: 'Failovers completed', registers: [this.registry] });
  private readonly checks = new Counter({
    name: 'cachefleet_health_checks_total', help: 'Node health checks by outcome (ok, or the signal of a failure)', labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly collection = new Histogram({
    name: 'cachefleet_metrics_collection_duration_seconds', help: 'Metrics collections (every node read, derived, stored)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  private pending = new Map<string, Pending>();

  apiRequest(ms: number, status: number): void {
    this.apiLatency.observe({ status: `${Math.floor(status / 100)}xx` }, ms / 1000);
    this.add('ApiLatency', 'Milliseconds', {}, ms);
  }

  reconcilePass(ms: number): void {
    this.passTime.observe(ms / 1000);
    this.add('ReconcilePassTime', 'Milliseconds', {}, ms);
  }

  failover(): void {
    this.failovers.inc();
    this.add('Failovers', 'Count', {}, 1);
  }

  /** A health check: `ok`, or the failure's signal (refused, timeout, exited, …). */
  healthCheck(outcome: string): void {
    const o = ['ok', 'refused', 'timeout', 'exited'].includes(outcome) ? outcome : 'error';
    this.checks.inc({ outcome: o });
    this.add('HealthChecks', 'Count', { Outcome: o }, 1);
  }

  collectionTook(ms: number): void {
    this.collection.observe(ms / 1000);
    this.add('MetricsCollectionTime', 'Milliseconds', {}, ms);
  }

  /** The period's values as datums (counts summed to one sample, latencies with their raw values), then forgotten. */
  flush(atMs: number, periodS: number): MetricDatum[] {
    const out: MetricDatum[] = [];
    for (const [key, p] of this.pending) {
      const name = key.split('\0')[0]!;
      const dimensions = Object.entries(p.dims).map(([n, value]) => ({ name: n, value }));
      const storageResolution = periodS < 60 ? 1 : 60;
      if (p.unit === 'Count') {
        const total = p.total;
        out.push({ metric: { namespace: SERVICE_NAMESPACE, metricName: name, dimensions }, timestampMs: atMs, unit: p.unit, storageResolution, stats: { sampleCount: 1, sum: total, minimum: total, maximum: total } });
      } else {
        out.push({
          metric: { namespace: SERVICE_NAMESPACE, metricName: name, dimensions }, timestampMs: atMs, unit: p.unit, storageResolution, values: p.values,
          stats: { sampleCount: p.values.length, sum: p.values.reduce((a, b) => a + b, 0), minimum: Math.min(...p.values), maximum: Math.max(...p.values) },
        });
      }
    }
    this.pending = new Map();
    return out;
  }

  private add(name: string, unit: StandardUnit, dims: Record<string, string>, value: number): void {
    const key = `${name}\0${JSON.stringify(dims)}`;
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, p = { unit, dims, values: [], total: 0 });
    if (unit === 'Count') p.total += value;
    // Bounded: a burst of requests keeps at most this many raw latencies a period (later ones still count in prom-client).
    else if (p.values.length < 10_000) p.values.push(value);
  }
}
