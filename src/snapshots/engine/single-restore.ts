/**
 * One source into one cluster-mode-disabled shard (restore.ts, step 4's fast way): the target's
 * primary loads the RDB itself, as a replica does (primary-load.ts), and no other process ever
 * holds the data.
 *
 * - An untrusted source (it could be corrupt, or crafted: RestoreOptions.trustedSources) is read
 *   first by Redis's own checker, `redis-check-rdb` (rdb-check.ts), which parses every object and
 *   keeps none, while the service checks its CRC-64 (crc64.ts): a redis-server loading a corrupt
 *   RDB from a socket exits, and that must never be the target. The primary then reads it again.
 * - A trusted source is read once, straight into the primary. A source that fails (a tampered
 *   record is found out as it is decoded, a damaged segment of a snapshot file) fails before the
 *   transfer's closing mark, so the primary, loading with `repl-diskless-load swapdb`, never takes
 *   the RDB and keeps its old data set. (What comes out of a trusted source is what Redis wrote and
 *   checked when it was captured: its CRC-64 agrees. A primary that found it did not would exit.)
 *
 * Fit: in memory, data takes at least the size of its RDB, so an RDB larger than the memory the
 * node type holds is refused before the primary takes anything (an untrusted one once checked; a
 * trusted one as soon as its bytes go past the limit). Data that still turns out too large once
 * loaded (the primary's memory, before and after) is flushed, and the restore refused.
 *
 * Why no loader here, as the other ways use (restore.ts): a loader held a second copy of the data,
 * memory the host must find. On this project's 2-core VM, where memory new to the host costs about
 * 12 µs a page, a 1 GB restore took 7.5–10.6 s with a loader and 5.9–6.1 s with the checker
 * (docs/BENCHMARKS.md, session 15).
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';
import { silentLogger } from '../../util/logger.js';
import { CorruptSnapshotError, RestoreTooLargeError, type RestoreResult, type TargetShard } from '../types.js';
import { assertIntact, RdbChecksumTap } from './crc64.js';
import { loadIntoPrimary } from './primary-load.js';
import { RdbCheckError, startRdbCheck } from './rdb-check.js';
import { infoSection, keyCount, mb, targetAdmin } from './target-admin.js';
import type { RestoreOptions } from './restore-options.js';

const WHAT = 'source 1 of the snapshot (an RDB file)';

export async function restoreSingle(open: () => Promise<Readable>, shard: TargetShard, opts: RestoreOptions,
  signal: AbortSignal): Promise<RestoreResult> {
  const max = opts.maxBytesPerShard;
  if (!opts.trustedSources) {
    const size = await checkSource(open, signal);
    if (max !== undefined && size > max) throw rdbTooLarge(size, max);
  }
  const admin = targetAdmin(shard.primary, opts.localAddress);
  try {
    await admin.connect();
    const before = await usedMemory(admin);
    const { bytes } = await loadIntoPrimary(shard.primary, open, {
      idleTimeoutMs: opts.loadIdleTimeoutMs ?? 60_000, signal,
      ...(max !== undefined ? { limit: { bytes: max, error: (n: number) => rdbTooLarge(n, max) } } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
    });
    const data = (await usedMemory(admin)) - before;
    if (max !== undefined && data > max) {
      // Never `available` with more than its node type holds: the group ends restore-failed, empty.
      await admin.call('FLUSHALL', 'SYNC').catch(() => undefined);
      throw new RestoreTooLargeError(`the data takes ${mb(data)} in the primary once loaded, more than the ${mb(max)} its node type holds`);
    }
    const keys = await keyCount(admin);
    opts.onProgress?.({ keys, totalKeys: keys, bytes });
    (opts.logger ?? silentLogger).info({ keys, bytes, data, checked: !opts.trustedSources }, 'restore loaded by the target primary');
    return { keys, bytes };
  } finally {
    admin.disconnect();
  }
}

/**
 * Streams an untrusted source through the service's CRC-64 into redis-check-rdb; returns its size.
 * Throws CorruptSnapshotError naming the checksums or the checker's finding, or the source's own error.
 */
async function checkSource(open: () => Promise<Readable>, signal: AbortSignal): Promise<number> {
  const check = startRdbCheck(undefined, { background: false });
  const tap = new RdbChecksumTap();
  // The source's own failure (a read that failed, a file that does not decode) goes up as it is:
  // the checker, its input cut short, would call it a truncated RDB.
  // (Recorded where it is read: once the pipeline fails, every stream in it errors with its cause.)
  let sourceError: { e: unknown } | undefined;
  async function* read(source: Readable): AsyncGenerator<Buffer> {
    try {
      for await (const c of source) yield c as Buffer;
    } catch (e) {
      sourceError ??= { e };
      throw e;
    }
  }
  const flowed = open().then((source) => pipeline(read(source), tap, check.input, { signal }), (e: unknown) => {
    sourceError ??= { e };
    throw e;
  }).then(() => undefined, (e: unknown) => { check.abandon(); return e; });
  const [flowError, checkError] = await Promise.all([flowed, check.result.then(() => undefined, (e: unknown) => e)]);
  if (sourceError) throw sourceError.e;
  signal.throwIfAborted();
  if (flowError === undefined) assertIntact(await tap.verdict, WHAT);
  // The checker stops reading at its first finding (the stream then fails too): the finding is what counts.
  if (checkError instanceof RdbCheckError && !checkError.unavailable) throw new CorruptSnapshotError(`${WHAT} could not be loaded: ${checkError.message}`);
  if (flowError !== undefined) throw flowError;
  if (checkError !== undefined) throw checkError;
  return tap.bytes;
}

async function usedMemory(c: Redis): Promise<number> {
  return Number((await infoSection(c, 'memory'))['used_memory'] ?? 0);
}

function rdbTooLarge(bytes: number, max: number): RestoreTooLargeError {
  return new RestoreTooLargeError(`the data needs at least ${mb(bytes)} (the size of its RDB), more than the ${mb(max)} the primary's node type holds`);
}

