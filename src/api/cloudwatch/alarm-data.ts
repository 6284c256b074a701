// The data an alarm watches, for the alarm controller (src/alarms): its statistic per period, read
// from the metric store; for an alarm on metric math, the series of its returned query.
import type { AlarmDataFetch } from '../../alarms/index.js';
import type { MetricStore } from '../../metrics/types.js';
import { runQueries } from './metric-data.js';
import { metricId } from './metric-input.js';
import type { MetricDataQuery } from './model/shapes.js';
import { parseStat, statValue } from './statistics.js';

export function alarmDataFetch(metrics: MetricStore, now: () => Date): AlarmDataFetch {
  return async (alarm, startMs, endMs) => {
    const out = new Map<number, number>();
    if (alarm.metrics) {
      const [series] = await runQueries(alarm.metrics as unknown as MetricDataQuery[], startMs, endMs, { metrics, now });
      series?.timestamps.forEach((t, i) => out.set(t, series.values[i]!));
      return out;
    }
    const stat = parseStat(alarm.extendedStatistic ?? alarm.statistic ?? 'Average', 'Statistic');
    const points = await metrics.query({
      metric: metricId(alarm.namespace ?? '', alarm.metricName ?? '', alarm.dimensions), startMs, endMs, periodS: alarm.periodS ?? 60,
      ...(alarm.unit ? { unit: alarm.unit as never } : {}), ...('percentile' in stat ? { percentiles: [stat.percentile] } : {}),
    });
    for (const p of points) {
      const v = statValue(p, stat);
      if (v !== undefined) out.set(p.timestampMs, v);
    }
    return out;
  };
}
