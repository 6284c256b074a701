/**
 * The archive's tail mark: how far a quiet shard's archive reaches without a segment for it.
 *
 * A segment is archived once it holds writes and is N (the flush interval) old, but one without
 * writes only once a minute (the idle flush), so a quiet shard's archive, and therefore a whole
 * group's, used to trail now by up to a minute. While nothing is pending (no write in the open
 * segment, every closed one in the store) the archiver instead rewrites one small object every N:
 * "line L was archived to offset O at time F, and no write came after it until time T". Restores
 * treat it as an empty segment from F to T continuing the segment that ends at O, and only while
 * no real segment continues that one (a later segment always says more).
 *
 * It holds no data: offsets and times, like the archive's object names, so it is stored as it is.
 * Its times are the control plane's clock, as every annotation's; a write the node made before T
 * but the archiver received after it is stamped when received, so it is after T in the archive's
 * own timeline (as for every segment).
 */
import { Readable } from 'node:stream';
import type { ObjectStore } from '../types.js';
import type { Listed, SegmentName } from './names.js';

export const TAIL = 'tail.json';

export interface TailMark {
  line: string;
  /** Where the line was archived to (the last segment's end offset). */
  offset: number;
  /** When that segment ended. */
  fromMs: number;
  /** Until when nothing came after it. */
  ms: number;
}

/** The listed entry a tail mark stands for has this key: there is no object to read. */
export const TAIL_ENTRY_KEY = '';

export function isTailEntry(s: Listed<SegmentName>): boolean {
  return s.key === TAIL_ENTRY_KEY;
}

export async function writeTail(store: ObjectStore, prefix: string, mark: TailMark): Promise<void> {
  await store.put(`${prefix}${TAIL}`, Readable.from([Buffer.from(JSON.stringify(mark))], { objectMode: false }));
}

/** The archive's tail mark, or undefined (none yet, or one this version cannot read). */
export async function readTail(store: ObjectStore, prefix: string): Promise<TailMark | undefined> {
  let text = '';
  try {
    for await (const c of await store.get(`${prefix}${TAIL}`)) text += Buffer.from(c as Uint8Array).toString('utf8');
    const m = JSON.parse(text) as Partial<TailMark>;
    const ok = typeof m.line === 'string' && [m.offset, m.fromMs, m.ms].every((n) => Number.isSafeInteger(n));
    return ok ? (m as TailMark) : undefined;
  } catch {
    return undefined; // none (ObjectNotFoundError), or damaged: the archive is read without it
  }
}

/**
 * `segments` (in start order) with the entry `mark` stands for appended, when it continues the
 * segment ending at its offset and time and no real segment continues that one.
 */
export function withTail(segments: Listed<SegmentName>[], mark: TailMark | undefined): Listed<SegmentName>[] {
  if (!mark || mark.ms <= mark.fromMs) return segments;
  const ended = segments.find((s) => s.name.line === mark.line && s.name.endOffset === mark.offset && s.name.endMs === mark.fromMs);
  const continued = segments.some((s) => s.name.line === mark.line && s.name.startOffset === mark.offset && s.name.startMs >= mark.fromMs);
  if (!ended || continued) return segments;
  return [...segments, {
    key: TAIL_ENTRY_KEY, bytes: 0,
    name: { startMs: mark.fromMs, endMs: mark.ms, line: mark.line, startOffset: mark.offset, endOffset: mark.offset, replid: ended.name.replid },
  }];
}
