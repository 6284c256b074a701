/**
 * Coverage of a group of shards: a multi-shard restore replays every shard's archive to the same
 * second, so only seconds every shard can restore are restorable (pure, tested on plain data).
 */
import { notCovered, type CoverageWindow } from './plan.js';

/** The seconds restorable in every one of `lists` (each in time order, both ends included). */
export function intersectCoverage(lists: CoverageWindow[][]): CoverageWindow[] {
  if (lists.length === 0) return [];
  let acc = lists[0]!.map((w) => ({ ...w }));
  for (const next of lists.slice(1)) {
    const out: CoverageWindow[] = [];
    for (const a of acc) {
      for (const b of next) {
        const from = Math.max(a.from.getTime(), b.from.getTime());
        const to = Math.min(a.to.getTime(), b.to.getTime());
        if (from <= to) out.push({ from: new Date(from), to: new Date(to) });
      }
    }
    acc = out.sort((x, y) => x.from.getTime() - y.from.getTime());
  }
  return acc;
}

/** Throws PointInTimeNotCoveredError (its message lists the stretches) unless `second` is in `windows`. */
export function requireCovered(windows: CoverageWindow[], second: number): void {
  const ms = second * 1000;
  if (!windows.some((w) => w.from.getTime() <= ms && ms <= w.to.getTime())) throw notCovered(second, windows);
}

/** `2024-01-15T12:00:00Z to 2024-01-15T13:00:00Z, …` (`none` when empty). */
export function describeCoverage(windows: CoverageWindow[]): string {
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  return windows.length ? windows.map((w) => `${iso(w.from)} to ${iso(w.to)}`).join(', ') : 'none';
}
