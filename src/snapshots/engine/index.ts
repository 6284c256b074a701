/**
 * Moving RDB data out of and into real nodes: the engine side of backups.
 * - {@link captureRdb}: a shard's snapshot, Redis's own RDB streamed from a node over the
 *   replication protocol and checked by redis-check-rdb as it streams;
 * - {@link restoreInto}: RDB files loaded by Redis into ephemeral loaders, then moved as a
 *   pipelined stream of GET/SET and DUMP/RESTORE (or MIGRATE, on request) into the primaries of a target of
 *   any shape; one source into one cluster-mode-disabled shard is loaded by its primary itself,
 *   and so is each source into the primary of its own shard of a target of the snapshot's shape
 *   (restarted on it: {@link SeedHooks}).
 */
export { captureRdb, CaptureError, DEFAULT_CAPTURE_TIMEOUT_MS, type Capture, type CaptureOptions } from './capture.js';
export { restoreInto, type RestoreOptions } from './restore.js';
export { SeedMismatchError } from './seed.js';
export type { SeedHooks } from './restore-options.js';
export { RdbCheckError, REDIS_CHECK_RDB } from './rdb-check.js';
