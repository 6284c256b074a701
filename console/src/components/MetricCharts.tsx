import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { CHARTS, metricQueries, RANGES, type MetricDataResult, type Series } from '../metric-queries.js';
import { usePoll } from '../use-poll.js';
import { MetricChart } from './MetricChart.js';

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
