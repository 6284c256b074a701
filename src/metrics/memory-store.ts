/**
 * A MetricStore kept in memory: every datum as put, aggregated at query time. For unit tests of
 * what reads the store (the CloudWatch API, alarms), and a stand-in where no data directory is
 * wanted; it keeps no retention tiers (compact() only drops what is older than 455 days).
 */
import type {
  AggregatedPoint, ListMetricsFilter, MetricDatum, MetricId, MetricQuery, MetricStore, StandardUnit,
} from './types.js';

const LONGEST_RETENTION_MS = 455 * 24 * 3600_000;

/** The identity of a metric: namespace, name and its dimensions sorted by name. */
export function metricKey(m: MetricId): string {
  const dims = [...m.dimensions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify([m.namespace, m.metricName, dims.map((d) => [d.name, d.value])]);
}

interface Series {
  metric: MetricId;
  data: MetricDatum[];
  lastMs: number;
}

export class MemoryMetricStore implements MetricStore {
  private readonly series = new Map<string, Series>();

  async put(data: MetricDatum[]): Promise<void> {
    for (const d of data) {
      const key = metricKey(d.metric);
      let s = this.series.get(key);
      if (!s) this.series.set(key, (s = { metric: d.metric, data: [], lastMs: d.timestampMs }));
      s.data.push(d);
      s.lastMs = Math.max(s.lastMs, d.timestampMs);
    }
  }

  async query(q: MetricQuery): Promise<AggregatedPoint[]> {
    const s = this.series.get(metricKey(q.metric));
    if (!s) return [];
    const periodMs = q.periodS * 1000;
    const buckets = new Map<number, MetricDatum[]>();
    for (const d of s.data) {
      if (d.timestampMs < q.startMs || d.timestampMs >= q.endMs) continue;
      if (q.unit !== undefined && d.unit !== q.unit) continue;
      // Periods are aligned to the epoch, as CloudWatch aligns them to whole minutes and hours.
      const t = Math.floor(d.timestampMs / periodMs) * periodMs;
      let b = buckets.get(t);
      if (!b) buckets.set(t, (b = []));
      b.push(d);
    }
    return [...buckets.entries()].sort(([a], [b]) => a - b).map(([t, ds]) => aggregate(t, ds, q.percentiles));
  }

  async listMetrics(filter: ListMetricsFilter): Promise<MetricId[]> {
    const out: MetricId[] = [];
    for (const s of this.series.values()) {
      if (filter.activeSinceMs !== undefined && s.lastMs < filter.activeSinceMs) continue;
      if (matches(s.metric, filter)) out.push(s.metric);
    }
    return out;
  }

  async compact(nowMs: number): Promise<void> {
    for (const [key, s] of this.series) {
      s.data = s.data.filter((d) => d.timestampMs >= nowMs - LONGEST_RETENTION_MS);
      if (s.data.length === 0) this.series.delete(key);
    }
  }

  async close(): Promise<void> {}
}

/** Whether `m` passes ListMetrics' filter (a dimension without a value matches any value). */
export function matches(m: MetricId, f: ListMetricsFilter): boolean {
  if (f.namespace !== undefined && m.namespace !== f.namespace) return false;
  if (f.metricName !== undefined && m.metricName !== f.metricName) return false;
  for (const want of f.dimensions ?? []) {
    const have = m.dimensions.find((d) => d.name === want.name);
    if (!have || (want.value !== undefined && have.value !== want.value)) return false;
  }
  return true;
}

function aggregate(timestampMs: number, ds: MetricDatum[], percentiles: number[] | undefined): AggregatedPoint {
  let sampleCount = 0;
  let sum = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const d of ds) {
    sampleCount += d.stats.sampleCount;
    sum += d.stats.sum;
    minimum = Math.min(minimum, d.stats.minimum);
    maximum = Math.max(maximum, d.stats.maximum);
  }
  const point: AggregatedPoint = { timestampMs, unit: ds[0]!.unit as StandardUnit, stats: { sampleCount, sum, minimum, maximum } };
  if (percentiles && percentiles.length > 0) {
    const values = samples(ds);
    if (values) point.percentiles = Object.fromEntries(percentiles.map((p) => [p, percentile(values, p)]));
  }
  return point;
}

/** Every sample of the data, sorted, or undefined when a set gives only its summary. */
function samples(ds: MetricDatum[]): number[] | undefined {
  const out: number[] = [];
  for (const d of ds) {
    if (d.values) {
      d.values.forEach((v, i) => { for (let n = 0; n < (d.counts?.[i] ?? 1); n++) out.push(v); });
    } else if (d.stats.sampleCount === 1) {
      out.push(d.stats.sum);
    } else {
      return undefined;
    }
  }
  return out.sort((a, b) => a - b);
}

/** The p-th percentile by nearest rank (CloudWatch's percentiles of raw values). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
