/**
 * The point-in-time archive's object keys, under a prefix the caller picks per shard
 * (e.g. `pitr/<group>/<shard>/`):
 *
 *   bases/<ms>-<line>-<offset>-<replid>
 *   segments/<YYYY-MM-DD>/<startMs>-<endMs>-<line>-<startOffset>-<endOffset>-<replid>
 *
 * - a base is an RDB of the shard at replication offset `offset`, requested at `ms`;
 * - a segment is the replication stream between two offsets, recorded between two times, as an
 *   AOF file (RESP commands with `#TS:` annotations); its `replid` is the stream's at its end,
 *   what a PSYNC resuming after it must name;
 * - `line` names one unbroken recording: a base starts one, and every segment recorded from it
 *   without a break (reconnections that PSYNC resumed included) carries its id.
 *
 * Times are 13-digit milliseconds and offsets 20-digit decimals, so a listing's order (S3 lists
 * in byte order) is time order; segments sit in one folder per UTC day of their start, so a
 * restore lists only the days between its base and its target time. Pure.
 */

export interface BaseName {
  /** When the base was requested (ms since the epoch); the state it holds is at or after it. */
  ms: number;
  line: string;
  offset: number;
  replid: string;
}

export interface SegmentName {
  startMs: number;
  endMs: number;
  line: string;
  startOffset: number;
  endOffset: number;
  replid: string;
}

export interface Listed<T> {
  key: string;
  name: T;
  bytes: number;
}

const MS_DIGITS = 13;
const OFFSET_DIGITS = 20;
const LINE_RE = '[0-9a-f]{12}';
const REPLID_RE = '[0-9a-f]{40}';
const BASE_RE = new RegExp(`^(\\d{${MS_DIGITS}})-(${LINE_RE})-(\\d{${OFFSET_DIGITS}})-(${REPLID_RE})$`);
const SEGMENT_RE = new RegExp(
  `^(\\d{${MS_DIGITS}})-(\\d{${MS_DIGITS}})-(${LINE_RE})-(\\d{${OFFSET_DIGITS}})-(\\d{${OFFSET_DIGITS}})-(${REPLID_RE})$`,
);

export const BASES = 'bases/';
export const SEGMENTS = 'segments/';
export const DAY_MS = 86_400_000;

const pad = (n: number, width: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  const s = String(n);
  if (s.length > width) throw new RangeError(`${n} does not fit ${width} digits`);
  return s.padStart(width, '0');
};

/** A line id must be 12 lowercase hex digits (randomBytes(6)); replids are Redis's 40. */
function checkIds(line: string, replid: string): void {
  if (!new RegExp(`^${LINE_RE}$`).test(line)) throw new RangeError(`bad line id ${JSON.stringify(line)}`);
  if (!new RegExp(`^${REPLID_RE}$`).test(replid)) throw new RangeError(`bad replication id ${JSON.stringify(replid)}`);
}

/** `YYYY-MM-DD` (UTC) of `ms`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The folder of segments that started on the UTC day of `ms`, under `prefix`. */
export function segmentDayPrefix(prefix: string, ms: number): string {
  return `${prefix}${SEGMENTS}${dayOf(ms)}/`;
}

export function baseKey(prefix: string, b: BaseName): string {
  checkIds(b.line, b.replid);
  return `${prefix}${BASES}${pad(b.ms, MS_DIGITS)}-${b.line}-${pad(b.offset, OFFSET_DIGITS)}-${b.replid}`;
}

export function segmentKey(prefix: string, s: SegmentName): string {
  checkIds(s.line, s.replid);
  if (s.endMs < s.startMs || s.endOffset < s.startOffset) throw new RangeError('a segment ends before it starts');
  return `${segmentDayPrefix(prefix, s.startMs)}${pad(s.startMs, MS_DIGITS)}-${pad(s.endMs, MS_DIGITS)}-${s.line}-` +
    `${pad(s.startOffset, OFFSET_DIGITS)}-${pad(s.endOffset, OFFSET_DIGITS)}-${s.replid}`;
}

const lastSegment = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** The base a key names, or undefined for anything else (a stray object is ignored, never fatal). */
export function parseBaseKey(key: string): BaseName | undefined {
  const m = BASE_RE.exec(lastSegment(key));
  if (!m) return undefined;
  return { ms: Number(m[1]), line: m[2]!, offset: Number(m[3]), replid: m[4]! };
}

export function parseSegmentKey(key: string): SegmentName | undefined {
  const m = SEGMENT_RE.exec(lastSegment(key));
  if (!m) return undefined;
  const s = {
    startMs: Number(m[1]), endMs: Number(m[2]), line: m[3]!,
    startOffset: Number(m[4]), endOffset: Number(m[5]), replid: m[6]!,
  };
  return Number.isSafeInteger(s.startOffset) && Number.isSafeInteger(s.endOffset) ? s : undefined;
}

/** The UTC days from the day of `fromMs` to the day of `toMs`, both included, oldest first. */
export function daysBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d <= toMs; d += DAY_MS) out.push(dayOf(d));
  return out;
}
