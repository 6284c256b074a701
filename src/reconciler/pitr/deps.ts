/**
 * What the point-in-time archive controller and the restores from archives touch, injected: the
 * service wires the engine (src/snapshots/pitr) over its snapshot store and key store; unit tests
 * pass fakes that record what was started, stopped, deleted and replayed.
 */
import type { Readable } from 'node:stream';
import type { NodeTarget } from '../../snapshots/types.js';
import type { KmsKeyRecord } from '../../store/index.js';

/** One shard's recording (a ShardArchiver). */
export interface ArchiveHandle {
  start(): void;
  /** Archives what was recorded, then ends the link. */
  stop(): Promise<void>;
}

export interface ArchiveOptions {
  /** The shard's prefix in the snapshot store (`_pitr/<group>/<ms>/<node group>/`). */
  prefix: string;
  /** The node to follow, asked before each connection (undefined: none answers now). */
  source: () => NodeTarget | undefined;
  /** The group's key when it is encrypted at rest: every object is encrypted under it. */
  kmsKey?: KmsKeyRecord;
  retentionMs: number;
  /** A new line began (see ShardArchiver's onNewLine): the archive's first, or after a gap. */
  onNewLine: (line: { at: number; previous?: { endMs: number } }) => void;
}

/** A shard's state at a second, held by a loader until closed. */
export interface Replay {
  /** An RDB of that state (each call a new stream of the same data). */
  open(): Promise<Readable>;
  close(): Promise<void>;
}

export interface PointInTimeIO {
  archiver(o: ArchiveOptions): ArchiveHandle;
  /** The group archives present in the store, as roots (`_pitr/<group>/<ms>/`). */
  listRoots(): Promise<string[]>;
  /** Deletes every object under `root` (a group's archive). */
  deleteRoot(root: string): Promise<number>;
  /** The shard prefixes present under `root` (`<root><node group>/`), removed shards' included. */
  listShardPrefixes(root: string): Promise<string[]>;
  /**
   * Expires a removed shard's archive with the group's retention; `deleted` (objects) when it was
   * deleted whole, everything in it being older than the retention.
   */
  expireRemovedShard(prefix: string, retentionMs: number, now: number): Promise<{ bases: number; segments: number; deleted?: number }>;
  /** Replays the shard archive under `prefix` to the end of the second `time`. */
  replay(o: { prefix: string; time: Date; requireEncryption: boolean }): Promise<Replay>;
}
