// CloudWatch's statistics: the five standard ones, and the extended ones (percentiles p0.0–p100,
// e.g. p99, p99.9). Trimmed means and the like (tm99, wm99, TC, TS, IQM) are refused clearly.
import type { AggregatedPoint } from '../../metrics/types.js';
import { CloudWatchErrors } from './errors.js';

export type StandardStatistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';
const STANDARD = new Set<string>(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/** The percentile of `pNN[.NN]`, or undefined when `stat` is not one. */
export function percentileOf(stat: string): number | undefined {
  const m = /^p(\d{1,3}(?:\.\d{1,10})?)$/.exec(stat);
  if (!m) return undefined;
  const p = Number(m[1]);
  return p >= 0 && p <= 100 ? p : undefined;
}

/** Checks a statistic name (standard or a percentile) and says which it is. */
export function parseStat(stat: string, path: string): { standard: StandardStatistic } | { percentile: number } {
  if (STANDARD.has(stat)) return { standard: stat as StandardStatistic };
  const p = percentileOf(stat);
  if (p !== undefined) return { percentile: p };
  if (/^(tm|wm|tc|ts|TM|WM|TC|TS|PR|IQM)/.test(stat)) {
    throw CloudWatchErrors.invalidParameterValue(`The statistic ${stat} for parameter ${path} is valid in CloudWatch but cachefleet does not compute it; use SampleCount, Average, Sum, Minimum, Maximum or a percentile pNN.NN.`);
  }
  throw CloudWatchErrors.invalidParameterValue(`The value ${stat} for parameter ${path} is not a valid statistic.`);
}

/** The value of one statistic of an aggregated point (undefined when the data cannot tell, e.g. a percentile of statistic sets). */
export function statValue(point: AggregatedPoint, stat: { standard: StandardStatistic } | { percentile: number }): number | undefined {
  if ('percentile' in stat) return point.percentiles?.[stat.percentile];
  const s = point.stats;
  switch (stat.standard) {
    case 'SampleCount': return s.sampleCount;
    case 'Sum': return s.sum;
    case 'Minimum': return s.minimum;
    case 'Maximum': return s.maximum;
    case 'Average': return s.sampleCount > 0 ? s.sum / s.sampleCount : undefined;
  }
}

/**
 * Checks a period for data that starts at `startMs` (CloudWatch: 1, 5, 10, 30 or a multiple of 60
 * seconds; data older than 3 hours only at multiples of 60, older than 15 days of 300, older than
 * 63 days of 3600).
 */
export function checkPeriod(periodS: number, startMs: number, nowMs: number, path = 'Period'): void {
  if (![1, 5, 10, 30].includes(periodS) && (periodS <= 0 || periodS % 60 !== 0)) {
    throw CloudWatchErrors.invalidParameterValue(`The parameter ${path} must be 1, 5, 10, 30 or a multiple of 60.`);
  }
  const age = nowMs - startMs;
  const needed = age > 63 * 86400_000 ? 3600 : age > 15 * 86400_000 ? 300 : age > 3 * 3600_000 ? 60 : 1;
  if (periodS % needed !== 0) {
    throw CloudWatchErrors.invalidParameterValue(`The parameter ${path} must be a multiple of ${needed} for data that starts ${Math.round(age / 3600_000)} hours ago.`);
  }
}
