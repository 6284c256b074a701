/**
 * Restoring a snapshot into the primaries of a new group of any shape: every source RDB (one per
 * source shard) is loaded by Redis into an ephemeral loader (loader.ts), the data is checked to
 * fit before anything is written to a target, then every loader's keys go to the shard owning
 * their slot as a pipelined stream of GET/SET and DUMP/RESTORE (pipe-mover.ts; MIGRATE, mover.ts, on request),
 * all loaders at once, and the loaders' Functions after them (functions.ts). Loaders are always
 * stopped and their directories removed at the end, on success and on failure alike.
 *
 * The steps, in order, each finished for all sources before the next starts:
 *   1. check the target layout (every slot owned once, slot-routing.ts) and the TLS settings;
 *   2. load: one loader and one fake master per source, in parallel;
 *   3. check: no key outside database 0 for a cluster-mode target; the data's estimated size in
 *      each target shard (the loaders' data, times the shard's share of the slots) within
 *      `maxBytesPerShard`, else {@link RestoreTooLargeError} with the targets untouched;
 *   4. move, in parallel across loaders, then carry the Functions.
 * One source into one cluster-mode-disabled shard takes step 1 only: the target's primary then
 * loads the source itself, after Redis's checker read it when it is not trusted (single-restore.ts).
 * So do trusted sources into cluster-mode shards of their own shape, when the caller can restart
 * the primaries on them (RestoreOptions.seed): each primary loads its own source (seed.ts).
 */
import type { Readable } from 'node:stream';
import { silentLogger } from '../../util/logger.js';
import type { RestoreOptions } from './restore-options.js';
import type { RestoreResult, TargetShard } from '../types.js';
import type { FakeMaster } from './fake-master.js';
import type { Loader } from './loader.js';
import { dumpFunctions } from '../../engine/functions.js';
import { restoreFunctions } from './functions.js';
import { moveKeys } from './mover.js';
import { pipeKeys } from './pipe-mover.js';
import { restoreSingle } from './single-restore.js';
import { SeedMismatchError, seedShards, undoSeed } from './seed.js';
import { allOrFirstError, checkFits, keyCount, loadSource, type LoadedSource } from './source-load.js';
import { planRouting } from './slot-routing.js';

export type { RestoreOptions } from './restore-options.js';


/**
 * Loads `sources` (plain RDB bytes each) and moves their keys into `shards` (see the module
 * comment). Each source is a function opening a fresh stream of its RDB: one source into one
 * cluster-mode-disabled shard is opened twice (by its loader, then by the target's primary).
 */
export async function restoreInto(sources: ReadonlyArray<() => Promise<Readable>>, shards: TargetShard[],
  opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.logger ?? silentLogger;
  const routing = planRouting(shards);
  const ca = tlsOf(shards, opts, opts.method === 'migrate');
  if (sources.length === 0) return { keys: 0, bytes: 0 };

  const masters: FakeMaster[] = [];
  const loaders: Loader[] = [];
  // One source failing stops the others (a failed restore should not wait for the rest to load).
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    if (routing.mode === 'single' && sources.length === 1 && (opts.method ?? 'auto') === 'auto') {
      return await restoreSingle(sources[0]!, shards[0]!, opts, stop.signal);
    }
    if (opts.seed && opts.trustedSources && routing.mode === 'cluster' && sources.length === shards.length && (opts.method ?? 'auto') === 'auto') {
      try {
        return await seedShards(sources, shards, opts.seed, opts, stop);
      } catch (e) {
        if (!(e instanceof SeedMismatchError)) throw e;
        log.warn({ err: e.message }, 'a source held keys outside its shard: moving the keys instead');
        await undoSeed(shards, opts);
      }
    }
    const loaded = await allOrFirstError(stop, sources.map((open, i) => loadSource(open, i, opts, { masters, loaders }, stop.signal)));
    stop.signal.throwIfAborted();
    checkFits(loaded, routing, opts.maxBytesPerShard);
    const bytes = loaded.reduce((n, l) => n + l.bytes, 0);
    const totalKeys = loaded.reduce((n, l) => n + keyCount(l), 0);
    let keys = 0;
    opts.onProgress?.({ keys, totalKeys, bytes });
    const onBatch = (n: number) => {
      keys += n;
      opts.onProgress?.({ keys, totalKeys, bytes });
    };
    if (opts.method === 'migrate') {
      if (ca) await Promise.all(loaded.map((l) => l.loader.enableOutgoingTls({ ...opts.tls!, ca })));
      await allOrFirstError(stop, loaded.map(async (l) => {
        const total = keyCount(l);
        await moveKeys(l.loader.client, shards, routing, dbsOf(l), {
          batchKeys: opts.batchKeys ?? 2000,
          batchBytes: opts.batchBytes ?? 8 << 20,
          avgKeyBytes: total ? l.dataBytes / total : 1,
          timeoutMs: opts.migrateTimeoutMs ?? 30_000,
          onBatch,
          signal: stop.signal,
        });
      }));
    } else {
      await allOrFirstError(stop, loaded.map((l) => pipeKeys(l.loader.target, shards, routing, dbsOf(l), {
        scanCount: opts.batchKeys ?? 1000,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        onBatch,
        signal: stop.signal,
      })));
    }
    const functions = (await Promise.all(loaded.map((l) => dumpFunctions(l.loader.client)))).filter((f): f is Buffer => f !== undefined);
    await restoreFunctions(functions, shards, opts.localAddress ? { localAddress: opts.localAddress } : {});
    log.info({ keys, bytes, sources: sources.length, shards: shards.length }, 'restore moved every key');
    return { keys, bytes };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(masters.map((m) => m.close()));
    await Promise.all(loaders.map((l) => l.destroy()));
  }
}

const dbsOf = (l: LoadedSource) => [...l.keyspace.keys()].sort((a, b) => a - b);

/**
 * The CA bundle loaders verify TLS targets with (MIGRATE: `needCert`); undefined when no target
 * serves TLS or the loaders make no connection to targets (the pipelined mover connects from the
 * service, with each target's own TLS settings).
 */
function tlsOf(shards: readonly TargetShard[], opts: RestoreOptions, needCert: boolean): string | undefined {
  const withTls = shards.filter((s) => s.primary.tls);
  if (withTls.length === 0) return undefined;
  if (withTls.length !== shards.length) {
    throw new Error('target shards mix TLS and plaintext: a restore moves keys to all of them the same way');
  }
  if (!needCert) return undefined;
  if (!opts.tls) throw new Error('the targets serve TLS: a restore into them needs a certificate and key for its loaders (RestoreOptions.tls)');
  return [...new Set(withTls.map((s) => String(s.primary.tls!.ca).trim()))].join('\n') + '\n';
}
