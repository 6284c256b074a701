/**
 * CloudWatch's retention tiers (GetMetricStatistics' documented periods): data points with a
 * period under 60 s for 3 hours, 1-minute points for 15 days, 5-minute for 63 days, 1-hour for
 * 455 days. Tier 1 is the raw tier: every datum enters there at its own second; compaction rolls
 * each finished interval of a tier up into the next coarser one.
 */
export interface Tier {
  /** Resolution in seconds: a point of this tier covers [ts, ts + resolutionS). */
  resolutionS: 1 | 60 | 300 | 3600;
  retentionMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const TIERS: readonly Tier[] = [
  { resolutionS: 1, retentionMs: 3 * HOUR },
  { resolutionS: 60, retentionMs: 15 * DAY },
  { resolutionS: 300, retentionMs: 63 * DAY },
  { resolutionS: 3600, retentionMs: 455 * DAY },
];

/** Start of the interval of `resolutionS` that holds `ms`. */
export function bucketStart(ms: number, resolutionS: number): number {
  const w = resolutionS * 1000;
  return ms - (((ms % w) + w) % w);
}

/**
 * The tiers a query with this period reads, finest first: every tier whose resolution divides the
 * period. The coarsest of them answers for what it already holds; each finer one adds only what
 * compaction has not rolled into the next yet (see SqliteMetricStore.query).
 */
export function tiersForPeriod(periodS: number): Tier[] {
  return TIERS.filter((t) => periodS % t.resolutionS === 0);
}

/** Periods CloudWatch accepts: 1, 5, 10, 30, or a multiple of 60 seconds. */
export function isValidPeriod(periodS: number): boolean {
  return Number.isInteger(periodS) && periodS > 0 && ([1, 5, 10, 30].includes(periodS) || periodS % 60 === 0);
}
