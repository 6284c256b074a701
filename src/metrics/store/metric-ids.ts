import type { Dimension, ListMetricsFilter, MetricId } from '../types.js';

const keys = new WeakMap<Dimension[], string>();

/**
 * A metric's dimensions as one stable key: sorted by name, as CloudWatch treats them (order never
 * matters). Remembered per array: a collector's datums of one node share theirs.
 */
export function canonicalDimensions(dims: Dimension[]): string {
  let key = keys.get(dims);
  if (key === undefined) keys.set(dims, key = canonical(dims));
  return key;
}

function canonical(dims: Dimension[]): string {
  return JSON.stringify([...dims].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((d) => [d.name, d.value]));
}

/** ListMetrics' filter: namespace, name, each filter dimension present (with its value when given), recently active. */
export function matchesFilter(id: MetricId, lastMs: number, f: ListMetricsFilter): boolean {
  if (f.namespace !== undefined && id.namespace !== f.namespace) return false;
  if (f.metricName !== undefined && id.metricName !== f.metricName) return false;
  if (f.activeSinceMs !== undefined && lastMs < f.activeSinceMs) return false;
  return (f.dimensions ?? []).every((want) => id.dimensions.some((d) => d.name === want.name && (want.value === undefined || d.value === want.value)));
}
