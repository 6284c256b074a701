/**
 * A restore to a moment: the archive's state at the end of a given second, loaded into a
 * temporary loader (loader.ts) from which the caller moves it into the target nodes (e.g. by
 * capturing the loader's RDB, or MIGRATE), then closes it.
 *
 *   const r = await restoreToTime({ store, prefix, decode, time: new Date('2024-01-15T12:00:00Z') });
 *   try { …move r.loader's data… } finally { await r.close(); }
 *
 * How: plan.ts picks a base and the segments after it up to the target second; the base goes in
 * as the multi-part AOF's base file and the segments, concatenated, as its increment; the last
 * one, which holds the end of the target second, is first cut by `redis-check-aof
 * --truncate-to-timestamp` at its first `#TS:` annotation after that second. Redis itself replays
 * the whole, as it loads an AOF at start (and refuses a damaged one: aof-load-truncated no). Everything is decoded
 * (the caller's decode: decryption, decompression) on its way into the loader's private folder.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { withNodeConnection } from '../../engine/connect.js';
import type { NodeTarget, ObjectStore } from '../types.js';
import { listBases, listSegments } from './listing.js';
import { AOF_DIR, AOF_NAME, makeLoaderDir, startLoader, type LoaderOptions } from './loader.js';
import type { BaseName, Listed, SegmentName } from './names.js';
import { PointInTimeNotCoveredError, coverage, planRestore, type CoverageWindow, type RestorePlan } from './plan.js';
import { annotation } from './segment-buffer.js';
import { isTailEntry, readTail, withTail } from './tail.js';

export interface RestoreToTimeOptions extends LoaderOptions {
  store: ObjectStore;
  /** The shard's archive prefix (as its archiver was given). */
  prefix: string;
  /** Undoes the archiver's encode (decryption, decompression). */
  decode: (file: Readable) => Readable;
  /** Restores the state at the end of this second (UTC); a fraction of a second is dropped. */
  time: Date;
  /** Where the loader's private folder is made. Default: os.tmpdir(). */
  workDir?: string;
  /** redis-check-aof binary (default: $CACHEFLEET_REDIS_CHECK_AOF or the one on PATH). */
  redisCheckAof?: string;
  /** "Now", for the error that says how far the archive reaches. Default Date.now. */
  now?: () => number;
}

export interface PointInTimeReplay {
  /** The loader holding the state: loopback, its own password. */
  loader: NodeTarget;
  loaderPid: number;
  /** The second restored to: the state is the one at its end. */
  second: Date;
  baseKey: string;
  segments: number;
  /** Keys in the loader (all databases). */
  keys: number;
  bytes: { base: number; aof: number; aofReplayed: number };
  timings: { fetchMs: number; truncateMs: number; loadMs: number };
  /** Stops the loader and removes its folder. */
  close(): Promise<void>;
}

/** The plan for `second`, listing only the days between a candidate base and the target. */
async function planFor(o: RestoreToTimeOptions, second: number): Promise<RestorePlan> {
  const end = (second + 1) * 1000;
  const bases = await listBases(o.store, o.prefix);
  const tail = await readTail(o.store, o.prefix);
  const candidates = bases.filter((b) => b.name.ms < end);
  const cache = new Map<number, Listed<SegmentName>[]>();
  for (let i = candidates.length - 1; i >= 0; i--) {
    const base: Listed<BaseName> = candidates[i]!;
    let segments = cache.get(base.name.ms);
    // Listed up to the target's day, and to the tail mark's segment's day when that is later.
    if (!segments) cache.set(base.name.ms, (segments = withTail(await listSegments(o.store, o.prefix, base.name.ms, Math.max(end, tail?.fromMs ?? 0)), tail)));
    try {
      return planRestore([base], segments, second);
    } catch (e) {
      if (!(e instanceof PointInTimeNotCoveredError)) throw e;
    }
  }
  // Not covered by a base alone: plan on the whole archive, whose error says what is covered.
  const all = bases.length ? withTail(await listSegments(o.store, o.prefix, bases[0]!.name.ms, Math.max(end, (o.now ?? Date.now)())), tail) : [];
  return planRestore(bases, all, second);
}

/** The restorable stretches of a shard's archive (for EarliestRestorableTime/LatestRestorableTime-style answers). */
export async function archiveCoverage(store: ObjectStore, prefix: string, now = Date.now()): Promise<CoverageWindow[]> {
  const bases = await listBases(store, prefix);
  if (bases.length === 0) return [];
  return coverage(bases, withTail(await listSegments(store, prefix, bases[0]!.name.ms, now), await readTail(store, prefix)));
}

/** Writes the decoded segments, in order, to a new file at `path` (after `head` when given). */
async function decodeInto(o: RestoreToTimeOptions, segments: Listed<SegmentName>[], path: string, head?: Buffer): Promise<void> {
  await writeFile(path, head ?? Buffer.alloc(0), { flag: 'wx', mode: 0o600 });
  for (const s of segments) {
    await pipeline(o.decode(await o.store.get(s.key)), createWriteStream(path, { flags: 'a', highWaterMark: 1 << 20 }));
  }
}

function checkAof(binary: string, second: number, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--truncate-to-timestamp', String(second), file], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-check-aof refused the archive's AOF: ${`${stdout}${stderr}`.trim().split('\n').slice(-3).join(' / ')}`));
      else resolve();
    });
  });
}

export async function restoreToTime(o: RestoreToTimeOptions): Promise<PointInTimeReplay> {
  const second = Math.floor(o.time.getTime() / 1000);
  if (!Number.isFinite(second)) throw new RangeError('the time to restore to is not a valid date');
  const plan = await planFor(o, second);
  const dir = await makeLoaderDir(o.workDir ?? tmpdir());
  try {
    const aofDir = join(dir, AOF_DIR);
    await mkdir(aofDir, { mode: 0o700 });
    const baseFile = `${AOF_NAME}.1.base.rdb`;
    const incrFile = `${AOF_NAME}.1.incr.aof`;
    const t0 = performance.now();
    await pipeline(o.decode(await o.store.get(plan.base.key)), createWriteStream(join(aofDir, baseFile), { mode: 0o600 }));
    const incrPath = join(aofDir, incrFile);
    const lastPath = join(aofDir, 'last-segment.aof');
    // A chain ending in the tail mark (tail.ts) reaches the target second with no write after its
    // last real segment: every real one goes in whole, and nothing is cut.
    const tailEnds = isTailEntry(plan.segments[plan.segments.length - 1]!);
    const segments = plan.segments.filter((x) => !isTailEntry(x));
    // Every segment but the last ends before the target second's end and goes in whole; only the
    // last is cut. It is fetched on its own, headed by an annotation at or before the target
    // second (redis-check-aof refuses to cut at the very start of a file, and the segment's own
    // first annotation may be after the target), cut, then appended.
    await decodeInto(o, tailEnds ? segments : segments.slice(0, -1), incrPath);
    const last = tailEnds ? undefined : segments[segments.length - 1]!;
    if (last) await decodeInto(o, [last], lastPath, annotation(Math.floor(last.name.startMs / 1000)));
    const aof = (await stat(incrPath)).size + (last ? (await stat(lastPath)).size : 0);
    const base = (await stat(join(aofDir, baseFile))).size;
    const t1 = performance.now();
    if (last) {
      await checkAof(o.redisCheckAof ?? process.env.CACHEFLEET_REDIS_CHECK_AOF ?? 'redis-check-aof', second, lastPath);
      await pipeline(createReadStream(lastPath), createWriteStream(incrPath, { flags: 'a' }));
      await rm(lastPath);
    }
    const aofReplayed = (await stat(incrPath)).size;
    await writeFile(join(aofDir, `${AOF_NAME}.manifest`),
      `file ${baseFile} seq 1 type b\nfile ${incrFile} seq 1 type i\n`, { mode: 0o600 });
    const t2 = performance.now();
    const loader = await startLoader(dir, o);
    const t3 = performance.now();
    let keys = 0;
    try {
      keys = await withNodeConnection(loader.node.address, loader.node.port, { auth: loader.node.auth }, async (c) => {
        const info = String(await c.call('INFO', 'keyspace'));
        return [...info.matchAll(/^db\d+:keys=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      });
    } catch (e) {
      await loader.close();
      throw e;
    }
    return {
      loader: loader.node, loaderPid: loader.pid, second: new Date(second * 1000), baseKey: plan.base.key, segments: segments.length, keys,
      bytes: { base, aof, aofReplayed },
      timings: { fetchMs: t1 - t0, truncateMs: t2 - t1, loadMs: t3 - t2 },
      close: () => loader.close(),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    throw e;
  }
}
