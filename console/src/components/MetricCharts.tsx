import { useState } from 'preact/hooks';
import { call, type Params } from '../api.js';
import { usePoll } from '../use-poll.js';
import { MetricChart, type Series } from './MetricChart.js';

/** The charts and the metrics each draws (AWS/ElastiCache names, per CacheClusterId). */
const CHARTS: Array<{ title: string; unit: string; metrics: Array<{ name: string; stat: string }> }> = [
  { title: 'CPU', unit: '%', metrics: [{ name: 'EngineCPUUtilization', stat: 'Average' }] },
  { title: 'Memory', unit: '%', metrics: [{ name: 'DatabaseMemoryUsagePercentage', stat: 'Average' }] },
  { title: 'Connections', unit: '', metrics: [{ name: 'CurrConnections', stat: 'Average' }] },
  { title: 'Hits and misses', unit: '', metrics: [{ name: 'CacheHits', stat: 'Sum' }, { name: 'CacheMisses', stat: 'Sum' }] },
  { title: 'Replication lag', unit: 's', metrics: [{ name: 'ReplicationLag', stat: 'Average' }] },
];

const RANGES = [
  { label: '1 hour', seconds: 3600, period: 60 },
  { label: '1 day', seconds: 86_400, period: 300 },
  { label: '1 week', seconds: 604_800, period: 3600 },
] as const;

interface MetricDataResult { Id?: string; Timestamps?: string[]; Values?: number[] }

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

/** CloudWatch's metrics of the cache's nodes, through the same API path (GetMetricData). */
export function MetricCharts({ clusterIds }: { clusterIds: string[] }) {
  const [range, setRange] = useState<(typeof RANGES)[number]>(RANGES[0]);
  const data = usePoll(async () => {
    const end = new Date();
    const { params, ids } = metricQueries(clusterIds, range.period, new Date(end.getTime() - range.seconds * 1000), end);
    const out = await call<{ MetricDataResults?: MetricDataResult[] }>('GetMetricData', params, 'cloudwatch');
    const byChart: Series[][] = CHARTS.map(() => []);
    for (const r of out.MetricDataResults ?? []) {
      const at = ids.get(r.Id ?? '');
      if (!at) continue;
      byChart[at.chart]!.push({ label: at.label, times: (r.Timestamps ?? []).map((t) => Date.parse(t) / 1000), values: r.Values ?? [] });
    }
    return byChart;
  }, 30_000, [range.label, clusterIds.join(',')]);
  return (
    <section aria-labelledby="metrics-title">
      <h2 id="metrics-title">Metrics</h2>
      <div role="group" aria-label="Time range" class="ranges">
        {RANGES.map((r) => (
          <button key={r.label} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>{r.label}</button>
        ))}
      </div>
      {data.error && <p class="error" role="alert">Metrics could not be loaded: {data.error.message}</p>}
      <div class="charts">
        {CHARTS.map((c, i) => (
          <MetricChart key={c.title} title={c.title} unit={c.unit} series={data.data?.[i] ?? []} fromSeconds={range.seconds} />
        ))}
      </div>
    </section>
  );
}
