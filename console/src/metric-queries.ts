// What the metric charts ask CloudWatch's GetMetricData for, and how its answer is laid out for
// uPlot (pure: tested without a browser).

/** Query parameters as the API takes them: flattened names, string values. */
export type Params = Record<string, string>;

export interface Series {
  label: string;
  /** Unix seconds, ascending. */
  times: number[];
  values: number[];
}

/** The charts and the metrics each draws (AWS/ElastiCache names, per CacheClusterId). */
export const CHARTS: Array<{ title: string; unit: string; metrics: Array<{ name: string; stat: string }> }> = [
  { title: 'CPU', unit: '%', metrics: [{ name: 'EngineCPUUtilization', stat: 'Average' }] },
  { title: 'Memory', unit: '%', metrics: [{ name: 'DatabaseMemoryUsagePercentage', stat: 'Average' }] },
  { title: 'Connections', unit: '', metrics: [{ name: 'CurrConnections', stat: 'Average' }] },
  { title: 'Hits and misses', unit: '', metrics: [{ name: 'CacheHits', stat: 'Sum' }, { name: 'CacheMisses', stat: 'Sum' }] },
  { title: 'Replication lag', unit: 's', metrics: [{ name: 'ReplicationLag', stat: 'Average' }] },
];

export const RANGES = [
  { label: '1 hour', seconds: 3600, period: 60 },
  { label: '1 day', seconds: 86_400, period: 300 },
  { label: '1 week', seconds: 604_800, period: 3600 },
] as const;

export interface MetricDataResult { Id?: string; Timestamps?: string[]; Values?: number[] }

/** GetMetricData's Query parameters for every chart × cluster (one call). */
export function metricQueries(clusterIds: string[], period: number, start: Date, end: Date): { params: Params; ids: Map<string, { chart: number; label: string }> } {
  const params: Params = { StartTime: start.toISOString(), EndTime: end.toISOString(), ScanBy: 'TimestampAscending' };
  const ids = new Map<string, { chart: number; label: string }>();
  let n = 0;
  CHARTS.forEach((chart, ci) => {
    for (const metric of chart.metrics) {
      for (const cluster of clusterIds) {
        n++;
        const p = `MetricDataQueries.member.${n}`;
        const id = `q${n}`;
        ids.set(id, { chart: ci, label: chart.metrics.length > 1 ? `${metric.name} ${cluster}` : cluster });
        Object.assign(params, {
          [`${p}.Id`]: id,
          [`${p}.MetricStat.Metric.Namespace`]: 'AWS/ElastiCache',
          [`${p}.MetricStat.Metric.MetricName`]: metric.name,
          [`${p}.MetricStat.Metric.Dimensions.member.1.Name`]: 'CacheClusterId',
          [`${p}.MetricStat.Metric.Dimensions.member.1.Value`]: cluster,
          [`${p}.MetricStat.Period`]: String(period),
          [`${p}.MetricStat.Stat`]: metric.stat,
        });
      }
    }
  });
  return { params, ids };
}

/** Aligns several series on one time axis (uPlot's data layout); a missing point is null. */
export function align(series: Series[]): [number[], ...Array<Array<number | null>>] {
  const times = [...new Set(series.flatMap((s) => s.times))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: Array<number | null> = times.map(() => null);
    s.times.forEach((t, i) => { col[index.get(t)!] = s.values[i] ?? null; });
    return col;
  });
  return [times, ...columns];
}

/**
 * The value axis of a chart: from 0 (or the lowest value, if negative) to a little above the
 * highest, with a margin below, so that a flat series or a single point at 0 is drawn inside the
 * plot rather than on its bottom edge, where the plot's clipping hid it.
 */
export function valueRange(min: number | null, max: number | null): [number, number] {
  const lo = Math.min(0, min ?? 0);
  const hi = Math.max(max ?? 0, lo);
  const span = hi - lo;
  return span === 0 ? [lo - 1, hi + 1] : [lo - span * 0.08, hi + span * 0.12];
}
