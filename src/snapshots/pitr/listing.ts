/**
 * Reading the archive's listing from its store: its bases, the segments of given days, and its
 * head (the last segment archived, where a recording resumes). Objects whose keys are not the
 * archive's (names.ts) are ignored.
 */
import type { ObjectStore } from '../types.js';
import {
  BASES, DAY_MS, SEGMENTS, daysBetween, parseBaseKey, parseSegmentKey, segmentDayPrefix,
  type BaseName, type Listed, type SegmentName,
} from './names.js';

export async function listBases(store: ObjectStore, prefix: string): Promise<Listed<BaseName>[]> {
  const out: Listed<BaseName>[] = [];
  for (const o of await store.list(`${prefix}${BASES}`)) {
    const name = parseBaseKey(o.key);
    if (name) out.push({ key: o.key, name, bytes: o.bytes });
  }
  return out.sort((a, b) => a.name.ms - b.name.ms);
}

/** Segments that started on the UTC days from `fromMs`'s to `toMs`'s, in start order. */
export async function listSegments(store: ObjectStore, prefix: string, fromMs: number, toMs: number): Promise<Listed<SegmentName>[]> {
  const out: Listed<SegmentName>[] = [];
  for (const day of daysBetween(fromMs, toMs)) {
    for (const o of await store.list(`${prefix}${SEGMENTS}${day}/`)) {
      const name = parseSegmentKey(o.key);
      if (name) out.push({ key: o.key, name, bytes: o.bytes });
    }
  }
  return out.sort((a, b) => a.name.startMs - b.name.startMs || a.key.localeCompare(b.key));
}

/**
 * The last segment archived (greatest end time), looking back day by day from `now` at most
 * `lookbackDays`; undefined for an archive without segments in that time.
 */
export async function findHead(store: ObjectStore, prefix: string, now: number, lookbackDays: number): Promise<Listed<SegmentName> | undefined> {
  for (let d = 0; d <= lookbackDays; d++) {
    const day = now - d * DAY_MS;
    const found = (await store.list(segmentDayPrefix(prefix, day)))
      .map((o) => ({ key: o.key, name: parseSegmentKey(o.key), bytes: o.bytes }))
      .filter((x): x is Listed<SegmentName> => x.name !== undefined);
    if (found.length > 0) {
      return found.reduce((a, b) => (b.name.endMs > a.name.endMs || (b.name.endMs === a.name.endMs && b.name.endOffset > a.name.endOffset) ? b : a));
    }
  }
  return undefined;
}
