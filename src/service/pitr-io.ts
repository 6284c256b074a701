/**
 * The service's point-in-time archives (reconciler/pitr's PointInTimeIO) over the engine in
 * src/snapshots/pitr: ShardArchivers recording into the snapshot store, framed as snapshot files
 * are (compressed, and encrypted under the group's key with encryption at rest); restores replayed
 * into loaders in the data directory's `pitr-loaders/`, whose state is streamed out as an RDB
 * (captureRdb) for the restore machinery to load into the new group.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Owner } from '../paths/tighten.js';
import type { PointInTimeIO } from '../reconciler/pitr/deps.js';
import { captureRdb } from '../snapshots/engine/index.js';
import { expireRemovedShard, removeStaleLoaders, restoreToTime, ShardArchiver } from '../snapshots/pitr/index.js';
import { decodeSnapshot, encodeSnapshot } from '../snapshots/storage/index.js';
import type { KeyStore, ObjectStore } from '../snapshots/types.js';
import type { Logger } from '../util/logger.js';

export interface PointInTimeIOOptions {
  /** The snapshot store (archives live beside snapshots, under `_pitr/`). */
  store: ObjectStore;
  keys: KeyStore;
  /** The redis-server loaders run. */
  redisServer: string;
  /** The data directory's `pitr-loaders/`. */
  workDir: string;
  nodeUser?: Owner;
  /** The management address the archivers' links come from (security groups admit it). */
  localAddress?: string;
  /** N: a segment holding writes is archived at most this long after it opened. */
  flushIntervalMs: number;
  logger: Logger;
}

export const ARCHIVES = '_pitr/';

export function servicePointInTimeIO(o: PointInTimeIOOptions): PointInTimeIO {
  // redis-check-aof of the same installation as the engine (Debian's is a link to redis-server), else $PATH's.
  const sibling = join(dirname(o.redisServer), 'redis-check-aof');
  const checkAof = process.env.CACHEFLEET_REDIS_CHECK_AOF ?? (existsSync(sibling) ? sibling : 'redis-check-aof');
  return {
    archiver: (a) => new ShardArchiver({
      store: o.store, prefix: a.prefix, source: a.source, retentionMs: a.retentionMs, flushIntervalMs: o.flushIntervalMs,
      // An idle shard's coverage still moves on, at least every minute.
      idleFlushIntervalMs: Math.max(o.flushIntervalMs, 60_000),
      encode: (plain) => encodeSnapshot(plain, { compress: true, ...(a.kmsKey ? { key: a.kmsKey } : {}) }, o.keys),
      onNewLine: a.onNewLine, logger: o.logger,
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    }),
    listRoots: async () => {
      const roots = new Set<string>();
      for (const obj of await o.store.list(ARCHIVES)) {
        const [top, group, created] = obj.key.split('/');
        if (group && created) roots.add(`${top}/${group}/${created}/`);
      }
      return [...roots];
    },
    listShardPrefixes: async (root) => {
      const prefixes = new Set<string>();
      for (const obj of await o.store.list(root)) {
        const shard = obj.key.slice(root.length).split('/')[0];
        if (shard) prefixes.add(`${root}${shard}/`);
      }
      return [...prefixes].sort();
    },
    expireRemovedShard: (prefix, retentionMs, now) => expireRemovedShard(o.store, prefix, retentionMs, now),
    deleteRoot: async (root) => {
      // Every shard's archive under the group's root (shards removed by a resharding included).
      const objects = await o.store.list(root);
      for (const obj of objects) await o.store.delete(obj.key);
      return objects.length;
    },
    replay: async (r) => {
      const replay = await restoreToTime({
        store: o.store, prefix: r.prefix, time: r.time, workDir: o.workDir, redisServer: o.redisServer, redisCheckAof: checkAof,
        decode: (file) => decodeSnapshot(file, o.keys, { requireEncryption: r.requireEncryption }),
        ...(o.nodeUser ? { runAs: { uid: o.nodeUser.uid, gid: o.nodeUser.gid } } : {}),
      });
      o.logger.info({ prefix: r.prefix, second: replay.second.toISOString(), keys: replay.keys, segments: replay.segments,
        timings: replay.timings }, 'point-in-time archive replayed');
      return {
        // The loader listens on loopback: its state is copied from there (no management address).
        open: async () => captureRdb(replay.loader).stream,
        close: () => replay.close(),
      };
    },
  };
}

/** At start: loaders a killed service left are stopped and their folders removed. */
export async function clearPointInTimeWork(workDir: string, logger: Logger): Promise<void> {
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const n = await removeStaleLoaders(workDir);
  if (n) logger.warn({ loaders: n }, 'removed point-in-time loaders a previous run of the service left');
}
