/**
 * Retention of the point-in-time archive: what a restore to any moment of the last `retentionMs`
 * needs stays, the rest goes. That is the newest base requested at or before `now − retention`
 * (a restore to that moment starts from it) and everything after it: older bases are deleted,
 * and so are segments that ended before that base was requested (no chain from it or a later
 * base reaches back to them). Segments go before bases, so an interrupted expiry never leaves
 * segments without a base to start from. Deleting everything (the group is gone) is
 * {@link deleteArchive}.
 */
import type { ObjectStore } from '../types.js';
import { findHead, listBases, listSegments } from './listing.js';
import { BASES, SEGMENTS } from './names.js';
import { TAIL } from './tail.js';

export interface ExpireResult {
  bases: number;
  segments: number;
}

export async function expireArchive(store: ObjectStore, prefix: string, retentionMs: number, now: number): Promise<ExpireResult> {
  const bases = await listBases(store, prefix);
  const cutoff = now - retentionMs;
  const keep = bases.filter((b) => b.name.ms <= cutoff).pop();
  if (!keep) return { bases: 0, segments: 0 };
  const oldest = bases[0]!.name.ms;
  let segments = 0;
  for (const s of await listSegments(store, prefix, Math.min(oldest, keep.name.ms), keep.name.ms)) {
    if (s.name.endMs < keep.name.ms) {
      await store.delete(s.key);
      segments++;
    }
  }
  let deleted = 0;
  for (const b of bases) {
    if (b.name.ms < keep.name.ms) {
      await store.delete(b.key);
      deleted++;
    }
  }
  return { bases: deleted, segments };
}

/**
 * A removed shard's archive (a resharding took the shard away; no archiver writes it any more):
 * expired as a recording one is, and deleted whole once everything it recorded ended before
 * `now − retention` (no restore within the retention needs it). `deleted` counts the objects
 * removed then.
 */
export async function expireRemovedShard(store: ObjectStore, prefix: string, retentionMs: number, now: number): Promise<ExpireResult & { deleted?: number }> {
  const cutoff = now - retentionMs;
  // Segments start on the day they are in, so one ending after the cutoff started at most a day before it.
  const head = await findHead(store, prefix, now, Math.ceil(retentionMs / 86_400_000) + 1);
  const bases = await listBases(store, prefix);
  const newestBase = bases.at(-1)?.name.ms ?? -Infinity;
  if ((head?.name.endMs ?? -Infinity) < cutoff && newestBase < cutoff) return { bases: 0, segments: 0, deleted: await deleteArchive(store, prefix) };
  return expireArchive(store, prefix, retentionMs, now);
}

/** Removes every object of the archive under `prefix`. */
export async function deleteArchive(store: ObjectStore, prefix: string): Promise<number> {
  let n = 0;
  for (const sub of [SEGMENTS, BASES]) {
    for (const o of await store.list(`${prefix}${sub}`)) {
      await store.delete(o.key);
      n++;
    }
  }
  if (await store.head(`${prefix}${TAIL}`)) {
    await store.delete(`${prefix}${TAIL}`);
    n++;
  }
  return n;
}
