/**
 * The steps every restore shares (restore.ts): a source RDB loaded by Redis into an ephemeral
 * loader through a fake master, and the check that the loaded data fits the target before any
 * key is written to it.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { silentLogger } from '../../util/logger.js';
import { RestoreTooLargeError } from '../types.js';
import { assertIntact, RdbChecksumTap } from './crc64.js';
import { serveRdb, type FakeMaster } from './fake-master.js';
import { Loader, LOADER_ADDRESS } from './loader.js';
import type { RestoreOptions } from './restore-options.js';
import type { Routing } from './slot-routing.js';

export interface LoadedSource {
  loader: Loader;
  bytes: number;
  dataBytes: number;
  keyspace: Map<number, number>;
}

/** Keys a loaded source holds, every database. */
export const keyCount = (l: LoadedSource): number => [...l.keyspace.values()].reduce((a, b) => a + b, 0);

/** What a restore started, for its cleanup to stop (pushed as soon as each exists). */
export interface Started {
  masters: FakeMaster[];
  loaders: Loader[];
}

/** Loads source `i` (opened when the loader asks for it) into a new loader. */
export async function loadSource(open: () => Promise<Readable>, i: number, opts: RestoreOptions, started: Started,
  signal: AbortSignal): Promise<LoadedSource> {
  const log = opts.logger ?? silentLogger;
  // An untrusted source's CRC-64 is checked here, on the bytes on their way to the loader: the
  // service computes it on a core the loader's load leaves idle, and the loader skips its own check
  // (0.6 s a GB on the restore's serial path). A trusted source's bytes were authenticated before
  // they came out (or written by Redis itself): no check at all.
  let tap: RdbChecksumTap | undefined;
  const opened = opts.trustedSources ? open : async () => {
    const source = await open();
    const t = new RdbChecksumTap();
    tap = t;
    pipeline(source, t).catch(() => undefined); // an error reaches the master through `t`
    return t;
  };
  const master = await serveRdb(LOADER_ADDRESS, opened);
  started.masters.push(master);
  const loader = await Loader.start(master, {
    redisServer: opts.redisServer, workDir: opts.workDir,
    ...(opts.nodeUser ? { nodeUser: opts.nodeUser } : {}),
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    logger: log,
    commandTimeoutMs: (opts.migrateTimeoutMs ?? 30_000) * 2,
  });
  started.loaders.push(loader);
  const { bytes } = await loader.load(master, opts.loadIdleTimeoutMs ?? 60_000, signal);
  if (tap) assertIntact(await tap.verdict, `source ${i + 1} of the snapshot (an RDB file)`);
  const r = { loader, bytes, dataBytes: await loader.dataBytes(), keyspace: await loader.keyspace() };
  log.info({ source: i + 1, bytes, dataBytes: r.dataBytes, keyspace: Object.fromEntries(r.keyspace) }, 'restore source loaded');
  return r;
}

/**
 * Like Promise.all, but the first failure aborts `stop` (the other tasks watch it) and the
 * rejection waits for every task to settle, so none is still starting a loader when the
 * caller's cleanup runs. Rejects with the first failure, not with the aborts it caused.
 */
export async function allOrFirstError<T>(stop: AbortController, tasks: Promise<T>[]): Promise<T[]> {
  let first: { reason: unknown } | undefined;
  const settled = await Promise.allSettled(tasks.map((t) => t.catch((e: unknown) => {
    first ??= { reason: e };
    stop.abort(e);
    throw e;
  })));
  if (first) throw first.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** restore.ts's step 3: throws before any key has moved. */
export function checkFits(loaded: readonly LoadedSource[], routing: Routing, maxBytesPerShard: number | undefined): void {
  if (routing.mode === 'cluster') {
    for (const [i, l] of loaded.entries()) {
      const other = [...l.keyspace.keys()].find((db) => db !== 0);
      if (other !== undefined) {
        throw new Error(`source ${i + 1} of the snapshot holds keys in database ${other}: a cluster-mode-enabled group has database 0 only`);
      }
    }
  }
  if (maxBytesPerShard === undefined) return;
  const total = loaded.reduce((n, l) => n + l.dataBytes, 0);
  routing.share.forEach((share, shard) => {
    const need = total * share;
    if (need > maxBytesPerShard) {
      throw new RestoreTooLargeError(`the data needs about ${mb(need)} in ${routing.shards > 1 ? `shard ${shard + 1}` : 'the primary'}, ` +
        `more than the ${mb(maxBytesPerShard)} its node type holds (${mb(total)} in all)`);
    }
  });
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
