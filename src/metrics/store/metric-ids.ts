import type { Dimension, ListMetricsFilter, MetricId } from '../types.js';

/** A metric's dimensions as one stable key: sorted by name, as CloudWatch treats them (order never matters). */
export function canonicalDimensions(dims: Dimension[]): string {
  return JSON.stringify([...dims].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((d) => [d.name, d.value]));
}

/** ListMetrics' filter: namespace, name, each filter dimension present (with its value when given), recently active. */
export function matchesFilter(id: MetricId, lastMs: number, f: ListMetricsFilter): boolean {
  if (f.namespace !== undefined && id.namespace !== f.namespace) return false;
  if (f.metricName !== undefined && id.metricName !== f.metricName) return false;
  if (f.activeSinceMs !== undefined && lastMs < f.activeSinceMs) return false;
  return (f.dimensions ?? []).every((want) => id.dimensions.some((d) => d.name === want.name && (want.value === undefined || d.value === want.value)));
}
