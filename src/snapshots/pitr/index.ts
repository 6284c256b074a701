/**
 * Point-in-time restore, the engine side: a continuous archive of each shard's replication
 * stream (timestamped AOF segments beside RDB bases, in an object store) and the replay of that
 * archive up to a given second into a temporary loader. See docs/PITR.md for the design and the
 * bound on what a failure can lose.
 */
export { ShardArchiver, type ArchiverOptions, type ArchiverStatus } from './archiver.js';
export { restoreToTime, archiveCoverage, type RestoreToTimeOptions, type PointInTimeReplay } from './replay.js';
export { PointInTimeNotCoveredError, type CoverageWindow } from './plan.js';
export { LoaderFailedError, removeStaleLoaders } from './loader.js';
export { expireArchive, expireRemovedShard, deleteArchive, type ExpireResult } from './expire.js';
export { intersectCoverage, requireCovered, describeCoverage } from './coverage.js';
