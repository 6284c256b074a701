/**
 * The fast way into cluster-mode shards of the snapshot's own shape (one source RDB per target
 * shard, each holding only keys of that shard's slots): each shard's primary is restarted once
 * on its own source, which it loads as its RDB file at start (NodeProvider.restartOnData, driven
 * by the caller through `SeedHooks`), keeping its cluster identity and slots. No loader, no
 * second copy of the data, no key moved: every byte is parsed once, by the node that keeps it.
 * The shards' replicas then copy their primary with a full sync, and the restore ends once they
 * have (a group never turns available with replicas that hold nothing).
 *
 * Only for trusted sources (RestoreOptions.trustedSources): a node exits on a corrupt RDB, and
 * that would be a target. Checks, each making the restore fail with the targets emptied:
 * - a source larger than `maxBytesPerShard` stops being fed at that size (the node restarted empty);
 * - data that takes more than that once loaded (used_memory over the node's startup use);
 * - a key outside its shard's slots (Redis marks such a slot importing): SeedMismatchError, on
 *   which restoreInto empties the targets and moves the keys the general way instead.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Redis } from 'ioredis';
import { clusterInfo, clusterMyself } from '../../engine/cluster-admin.js';
import { parseInfoList } from '../../engine/info.js';
import { silentLogger } from '../../util/logger.js';
import { waitFor } from '../../util/wait.js';
import { RestoreTooLargeError, type RestoreResult, type TargetShard } from '../types.js';
import { infoSection as info, keyCount, mb, targetAdmin } from './target-admin.js';
import type { RestoreOptions, SeedHooks } from './restore-options.js';
import { allOrFirstError } from './source-load.js';

/** A source held keys outside its target shard's slots: the shapes do not match after all. */
export class SeedMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedMismatchError';
  }
}

/** Longest the replicas may take to copy their seeded primary. */
const REPLICA_SYNC_TIMEOUT_MS = 300_000;
/** Longest a restarted primary may take to serve its slots again (Redis waits 2 s after a start). */
const CLUSTER_OK_TIMEOUT_MS = 30_000;

export async function seedShards(sources: ReadonlyArray<() => Promise<Readable>>, shards: TargetShard[], hooks: SeedHooks,
  opts: RestoreOptions, stop: AbortController): Promise<RestoreResult> {
  const signal = stop.signal;
  const log = opts.logger ?? silentLogger;
  const max = opts.maxBytesPerShard;
  const fed = await allOrFirstError(stop, sources.map(async (open, i) => {
    const limit = new ByteLimit(max, i);
    // A source that fails fails `limit` too (pipeline destroys every stream with the error): the node never takes it.
    pipeline(await open(), limit).catch(() => undefined);
    await hooks.restart(i, limit, signal);
    return limit.bytes;
  }));
  const admins = shards.map((s) => targetAdmin(s.primary, opts.localAddress));
  try {
    await Promise.all(admins.map((a) => a.connect()));
    const loadMs = opts.loadIdleTimeoutMs ?? 60_000;
    await Promise.all(admins.map((a, i) => waitFor(async () => (await info(a, 'persistence'))['loading'] === '0',
      { timeoutMs: loadMs, intervalMs: 20, what: `shard ${i + 1}'s primary to load its data`, signal })));
    const keys = await Promise.all(admins.map(async (a, i) => {
      const mem = await info(a, 'memory');
      const data = Number(mem['used_memory'] ?? 0) - Number(mem['used_memory_startup'] ?? 0);
      if (max !== undefined && data > max) {
        await emptyAll(admins);
        throw new RestoreTooLargeError(`shard ${i + 1}'s data takes ${mb(data)} once loaded, more than the ${mb(max)} its node type holds`);
      }
      const me = await clusterMyself(a);
      if (me.importing.length > 0) {
        throw new SeedMismatchError(`source ${i + 1} holds keys of ${me.importing.length} slot(s) outside its target shard's slots (slot ${me.importing[0]!.slot} first)`);
      }
      return keyCount(a);
    }));
    const total = keys.reduce((n, k) => n + k, 0);
    const bytes = fed.reduce((n, b) => n + b, 0);
    opts.onProgress?.({ keys: total, totalKeys: total, bytes });
    await Promise.all(admins.map((a, i) => waitFor(async () => replicasOnline(await info(a, 'replication'), shards[i]!.replicas ?? 0),
      { timeoutMs: REPLICA_SYNC_TIMEOUT_MS, intervalMs: 50, what: `shard ${i + 1}'s replicas to copy its data`, signal })));
    await Promise.all(admins.map((a, i) => waitFor(async () => (await clusterInfo(a))['cluster_state'] === 'ok',
      { timeoutMs: CLUSTER_OK_TIMEOUT_MS, intervalMs: 20, what: `shard ${i + 1}'s primary to serve its slots`, signal })));
    log.info({ keys: total, bytes, shards: shards.length }, 'restore loaded by each shard\'s primary from its own file');
    return { keys: total, bytes };
  } finally {
    for (const a of admins) a.disconnect();
  }
}

/**
 * After a SeedMismatchError: the targets emptied and their open slots closed, so the general way
 * starts from nothing (Redis marked the slots of the stray keys importing).
 */
export async function undoSeed(shards: TargetShard[], opts: RestoreOptions): Promise<void> {
  const admins = shards.map((s) => targetAdmin(s.primary, opts.localAddress));
  try {
    await Promise.all(admins.map((a) => a.connect()));
    await Promise.all(admins.map((a) => a.call('FLUSHALL', 'SYNC')));
    for (const a of admins) {
      for (const { slot } of (await clusterMyself(a)).importing) await a.call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    }
    // Restarted primaries serve their slots only once Redis's writable delay has passed.
    await Promise.all(admins.map((a, i) => waitFor(async () => (await clusterInfo(a))['cluster_state'] === 'ok',
      { timeoutMs: CLUSTER_OK_TIMEOUT_MS, intervalMs: 20, what: `shard ${i + 1}'s primary to serve its slots` })));
  } finally {
    for (const a of admins) a.disconnect();
  }
}

/** Every replica the shard has is connected and past its full sync. */
function replicasOnline(replication: Record<string, string>, replicas: number): boolean {
  if (Number(replication['connected_slaves'] ?? 0) < replicas) return false;
  for (let k = 0; k < replicas; k++) {
    if (parseInfoList(replication[`slave${k}`] ?? '')['state'] !== 'online') return false;
  }
  return true;
}

/** Best effort, on the way to another error: that error is what the caller reports. */
async function emptyAll(admins: Redis[]): Promise<void> {
  await Promise.all(admins.map((a) => a.call('FLUSHALL', 'SYNC').catch(() => undefined)));
}

/** Passes a source through, failing it with RestoreTooLargeError past `max` bytes (the node then never takes it). */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly max: number | undefined, private readonly index: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.max !== undefined && this.bytes > this.max) {
      done(new RestoreTooLargeError(`source ${this.index + 1} needs at least ${mb(this.bytes)} (its RDB so far), more than the ${mb(this.max)} its shard's node type holds`));
      return;
    }
    done(null, chunk);
  }
}
