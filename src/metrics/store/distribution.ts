/**
 * Percentiles. The raw tier keeps each datum's exact values; rollups keep a compact distribution
 * instead: values mapped to logarithmic buckets of ratio 1.02, each bucket represented by one value,
 * so a percentile read from a rollup is within ±1 % of the exact one (relative), whatever the
 * scale. Zero has a bucket of its own. Negative values have no percentile, as in CloudWatch.
 */

export const BUCKET_RATIO = 1.02;
const LOG_RATIO = Math.log(BUCKET_RATIO);

/** The value representing the bucket that holds `v` (v ≥ 0); applying it twice changes nothing. */
export function bucketValue(v: number): number {
  if (v <= 0) return 0;
  return BUCKET_RATIO ** Math.round(Math.log(v) / LOG_RATIO);
}

/** One (value, weight) entry of a distribution. */
export interface Weighted {
  value: number;
  count: number;
}

/**
 * The p-th percentile (0 < p ≤ 100) of a weighted distribution: the smallest value at or below
 * which at least p % of the weight lies (nearest rank, as CloudWatch's percentile statistics).
 */
export function percentile(entries: Weighted[], p: number): number | undefined {
  const total = entries.reduce((a, e) => a + e.count, 0);
  if (total <= 0 || !(p > 0 && p <= 100)) return undefined;
  const sorted = [...entries].sort((a, b) => a.value - b.value);
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const e of sorted) {
    seen += e.count;
    if (seen >= rank) return e.value;
  }
  return sorted[sorted.length - 1]!.value;
}
