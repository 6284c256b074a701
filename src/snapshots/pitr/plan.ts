/**
 * What a restore to a moment needs from the archive, decided on the listing alone (pure, so
 * every case is tested on plain data): a base, then the segments of its line that continue it
 * without a break, up to the one holding the target second.
 *
 * The target is a whole second S: the restored state is the one at the end of S, every write
 * recorded in a second up to and including S and none after (the archive's `#TS:` annotations
 * have Redis's one-second resolution). With `end = (S + 1) * 1000`:
 * - a base is usable when its line's segment starting at its offset exists and starts before
 *   `end` (that start is when the recording reached the base's offset: the base's state is the
 *   stream's state from then on);
 * - each next segment starts at the offset the previous one ends at, no earlier than it ended;
 *   a later start is a break in the recording (a reconnection PSYNC resumed): writes made during
 *   it were stamped when they arrived, so a target inside it cannot be told apart and is refused;
 * - the chain is complete at the first segment ending at or after `end`; the replay cuts that one
 *   at its first annotation after S.
 */
import type { BaseName, Listed, SegmentName } from './names.js';

export type BaseEntry = Listed<BaseName>;
export type SegmentEntry = Listed<SegmentName>;

export interface RestorePlan {
  base: BaseEntry;
  /** In replay order; the last may hold writes after the target second (cut at replay). */
  segments: SegmentEntry[];
  /** The target second (seconds since the epoch). */
  second: number;
}

/** A stretch of restorable seconds, both ends included (as Dates at the start of each second). */
export interface CoverageWindow {
  from: Date;
  to: Date;
}

/** A restore to a moment the archive cannot reproduce exactly; the message says what it can. */
export class PointInTimeNotCoveredError extends Error {
  constructor(
    message: string,
    readonly reason: 'empty' | 'before-archive' | 'after-archive' | 'gap',
    readonly coverage: CoverageWindow[],
  ) {
    super(message);
    this.name = 'PointInTimeNotCoveredError';
  }
}

/** Segments per line in start order: the chains are walked forward through them. */
function byLine(segments: SegmentEntry[]): Map<string, SegmentEntry[]> {
  const lines = new Map<string, SegmentEntry[]>();
  for (const s of segments) {
    let l = lines.get(s.name.line);
    if (!l) lines.set(s.name.line, (l = []));
    l.push(s);
  }
  for (const l of lines.values()) l.sort((a, b) => a.name.startMs - b.name.startMs || a.key.localeCompare(b.key));
  return lines;
}

/** The first segment of `line` (from index `from`) starting at `offset` no earlier than `notBefore`. */
function nextIn(line: SegmentEntry[], from: number, offset: number, notBefore: number): number {
  for (let i = from; i < line.length; i++) {
    const s = line[i]!.name;
    if (s.startOffset === offset && s.startMs >= notBefore) return i;
  }
  return -1;
}

interface Run {
  /** Recording time the run starts at (the base's effective time or the end of a break). */
  startMs: number;
  endMs: number;
}

/**
 * The unbroken runs of the chain from `base`, walked until `stopAt` (ms) is reached. Each run is
 * a stretch with no break; the segments walked are returned too.
 */
function walk(base: BaseEntry, line: SegmentEntry[], stopAt: number): { runs: Run[]; chain: SegmentEntry[] } {
  const runs: Run[] = [];
  const chain: SegmentEntry[] = [];
  let i = nextIn(line, 0, base.name.offset, base.name.ms);
  if (i < 0) return { runs, chain };
  let run: Run = { startMs: line[i]!.name.startMs, endMs: line[i]!.name.endMs };
  for (;;) {
    const s = line[i]!;
    chain.push(s);
    if (s.name.startMs > run.endMs) {
      runs.push(run);
      run = { startMs: s.name.startMs, endMs: s.name.endMs };
    }
    run.endMs = s.name.endMs;
    if (s.name.endMs >= stopAt) break;
    const next = nextIn(line, i + 1, s.name.endOffset, s.name.endMs);
    if (next < 0) break;
    i = next;
  }
  runs.push(run);
  return { runs, chain };
}

/** Restorable seconds of a run: S with startMs < (S + 1) * 1000 <= endMs. */
function runWindow(r: Run): CoverageWindow | undefined {
  const first = Math.floor(r.startMs / 1000);
  const last = Math.floor(r.endMs / 1000) - 1;
  return last >= first ? { from: new Date(first * 1000), to: new Date(last * 1000) } : undefined;
}

/** Every restorable stretch of the archive, merged and in time order. */
export function coverage(bases: BaseEntry[], segments: SegmentEntry[]): CoverageWindow[] {
  const lines = byLine(segments);
  const windows: CoverageWindow[] = [];
  for (const b of bases) {
    for (const r of walk(b, lines.get(b.name.line) ?? [], Infinity).runs) {
      const w = runWindow(r);
      if (w) windows.push(w);
    }
  }
  windows.sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: CoverageWindow[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w.from.getTime() <= last.to.getTime() + 1000) {
      if (w.to > last.to) last.to = w.to;
    } else merged.push({ ...w });
  }
  return merged;
}

/** The base and segments a restore to the end of `second` replays (throws when not covered). */
export function planRestore(bases: BaseEntry[], segments: SegmentEntry[], second: number): RestorePlan {
  const end = (second + 1) * 1000;
  const lines = byLine(segments);
  const candidates = bases.filter((b) => b.name.ms < end).sort((a, b) => b.name.ms - a.name.ms);
  for (const base of candidates) {
    const { runs, chain } = walk(base, lines.get(base.name.line) ?? [], end);
    const last = runs[runs.length - 1];
    // The last run must hold `end`: it started before it and reaches it.
    if (last && last.startMs < end && last.endMs >= end) return { base, segments: chain, second };
  }
  throw notCovered(second, coverage(bases, segments));
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** The refusal of a restore to `second` that `windows` do not cover, worded by where it falls. */
export function notCovered(second: number, windows: CoverageWindow[]): PointInTimeNotCoveredError {
  const at = iso(new Date(second * 1000));
  const list = windows.map((w) => `${iso(w.from)} to ${iso(w.to)}`).join(', ');
  if (windows.length === 0) {
    return new PointInTimeNotCoveredError(
      `cannot restore to ${at}: the point-in-time archive holds no restorable moment yet`, 'empty', windows);
  }
  const first = windows[0]!;
  const last = windows[windows.length - 1]!;
  if (second * 1000 < first.from.getTime()) {
    return new PointInTimeNotCoveredError(
      `cannot restore to ${at}: it is before the point-in-time archive begins (earliest restorable time ${iso(first.from)})`,
      'before-archive', windows);
  }
  if (second * 1000 > last.to.getTime()) {
    return new PointInTimeNotCoveredError(
      `cannot restore to ${at}: the point-in-time archive reaches only to ${iso(last.to)} (recent writes are archived ` +
        'within the archive\'s flush interval)', 'after-archive', windows);
  }
  return new PointInTimeNotCoveredError(
    `cannot restore to ${at}: the point-in-time archive has a gap there (the recording was interrupted); ` +
      `restorable times: ${list}`, 'gap', windows);
}
