/**
 * One source into one cluster-mode-disabled shard (restore.ts, step 4's fast way). A trusted
 * source (RestoreOptions.trustedSources: nothing corrupt can come out of it) is opened, read and
 * decoded once, and its bytes go at the same time to a loader, which checks that
 * Redis can load them and that they fit, and to the target's primary, which loads them as a
 * replica does (primary-load.ts). The primary takes the data only once the loader's check passed:
 * its fake master holds back the transfer's closing mark until then (fake-master.ts, `hold`), and
 * a refusal drops its connection instead, so the primary, loading with `repl-diskless-load swapdb`,
 * keeps serving its old data set, as when the check ran before it was touched.
 *
 * The cost is memory: the loader and the target hold the data at the same time. Any other source
 * is loaded and checked by the loader first, then read again by the primary (checkThenLoad): a
 * redis-server loading a corrupt RDB from a socket exits, and that must be the loader, never the target.
 */
import { PassThrough, type Readable } from 'node:stream';
import { silentLogger } from '../../util/logger.js';
import type { RestoreResult, TargetShard } from '../types.js';
import { loadIntoPrimary } from './primary-load.js';
import type { RestoreOptions } from './restore-options.js';
import type { Routing } from './slot-routing.js';
import { checkFits, keyCount, loadSource, type Started } from './source-load.js';

export async function restoreSingle(open: () => Promise<Readable>, shard: TargetShard, routing: Routing, opts: RestoreOptions,
  started: Started, stop: AbortController): Promise<RestoreResult> {
  if (!opts.trustedSources) return checkThenLoad(open, shard, routing, opts, started, stop);
  const log = opts.logger ?? silentLogger;
  const source = teeOnce(open);
  let pass!: () => void;
  let refuse!: (e: unknown) => void;
  const verdict = new Promise<void>((res, rej) => { pass = res; refuse = rej; });
  verdict.catch(() => undefined);
  const primary = loadIntoPrimary(shard.primary, source.second, {
    idleTimeoutMs: opts.loadIdleTimeoutMs ?? 60_000, signal: stop.signal, hold: verdict,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  // The primary failing (it could not load what it was sent) stops the loader too.
  primary.catch((e: unknown) => stop.abort(e));
  let keys = 0;
  let bytes = 0;
  try {
    const loaded = await loadSource(source.first, 0, opts, started, stop.signal);
    stop.signal.throwIfAborted();
    checkFits([loaded], routing, opts.maxBytesPerShard);
    keys = keyCount(loaded);
    bytes = loaded.bytes;
    await Promise.all(started.loaders.splice(0).map((l) => l.destroy())); // its memory is the target's now
    pass();
  } catch (e) {
    refuse(e);
    source.destroy(e);
    await primary.catch(() => undefined);
    throw e;
  }
  await primary;
  opts.onProgress?.({ keys, totalKeys: keys, bytes });
  log.info({ keys, bytes }, 'restore loaded by the target primary, its loader checking the same stream');
  return { keys, bytes };
}

/**
 * For a source that could be corrupt (see RestoreOptions.trustedSources): the loader loads and
 * checks it first, then the target's primary reads it again.
 */
async function checkThenLoad(open: () => Promise<Readable>, shard: TargetShard, routing: Routing, opts: RestoreOptions,
  started: Started, stop: AbortController): Promise<RestoreResult> {
  const loaded = await loadSource(open, 0, opts, started, stop.signal);
  stop.signal.throwIfAborted();
  checkFits([loaded], routing, opts.maxBytesPerShard);
  const keys = keyCount(loaded);
  await Promise.all(started.loaders.splice(0).map((l) => l.destroy())); // its memory is the target's now
  await loadIntoPrimary(shard.primary, open, {
    idleTimeoutMs: opts.loadIdleTimeoutMs ?? 60_000, signal: stop.signal,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  opts.onProgress?.({ keys, totalKeys: keys, bytes: loaded.bytes });
  (opts.logger ?? silentLogger).info({ keys, bytes: loaded.bytes }, 'restore loaded by the target primary');
  return { keys, bytes: loaded.bytes };
}

/**
 * Two readers of one source, opened on the first reader's call: each gets every byte, and the
 * source goes at the pace of the slower one (piping pauses it while either is full).
 */
function teeOnce(open: () => Promise<Readable>): {
  first: () => Promise<Readable>; second: () => Promise<Readable>; destroy(e: unknown): void;
} {
  const a = new PassThrough();
  const b = new PassThrough();
  // Their readers see a failure through their own pipelines; a reader not there yet must not make it uncaught.
  a.on('error', () => undefined);
  b.on('error', () => undefined);
  let src: Readable | undefined;
  let opened: Promise<void> | undefined;
  const start = () => opened ??= open().then((s) => {
    src = s;
    s.once('error', (e) => { a.destroy(e); b.destroy(e); });
    s.pipe(a);
    s.pipe(b);
  }, (e: unknown) => {
    a.destroy(e as Error);
    b.destroy(e as Error);
    throw e;
  });
  return {
    first: async () => { await start(); return a; },
    second: async () => { await start(); return b; },
    destroy: (e) => {
      const err = e instanceof Error ? e : new Error(String(e));
      src?.destroy(err);
      a.destroy(err);
      b.destroy(err);
    },
  };
}
