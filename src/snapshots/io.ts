/**
 * The backup machinery as the snapshot controller drives it: one injected object, so controllers
 * run on fakes in unit tests (fake-io.ts) and on the real stores, codecs and nodes in the service.
 * The service builds it from storage/ (stores, framing, keys) and engine/ (capture, restore).
 */
import type { Readable } from 'node:stream';
import type { SeedHooks } from './engine/restore-options.js';
import type { EncodeOptions, KeyStore, NodeTarget, RestoreProgress, RestoreResult, SnapshotStorage, TargetShard } from './types.js';

/** A capture in progress: the RDB as it streams from the node, and its end (CRC checked). */
export interface Capture {
  stream: Readable;
  /** Resolves once the whole RDB was received and checked; rejects when it was not. */
  done: Promise<{ bytes: number }>;
}

/** What a restore may load into its target nodes. */
export interface RestoreLimits {
  /** The data set must fit each target shard's memory (maxmemory of its nodes), or RestoreTooLargeError. */
  maxMemoryBytesPerShard: number;
  /** See RestoreOptions.trustedSources. */
  trustedSources?: boolean;
  /** How far the restore is (see RestoreProgress). */
  onProgress?: (p: RestoreProgress) => void;
  /** See RestoreOptions.seed: the targets are the sources' shape, and their primaries may be restarted on them. */
  seed?: SeedHooks;
}

export interface SnapshotIO {
  readonly storage: SnapshotStorage;
  readonly keys: KeyStore;
  /** Streams a node's data set as an RDB file (Redis's replication protocol: the node's own BGSAVE). */
  capture(node: NodeTarget): Capture;
  /** Frames an RDB for the snapshot store: compressed, and encrypted under `opts.key` when given. */
  encode(rdb: Readable, opts: EncodeOptions): Readable;
  /**
   * The RDB of a framed file; the stream errors with CorruptSnapshotError when it was tampered
   * with or cut short, or (`requireEncryption`, for a snapshot recorded as encrypted) when it is
   * not encrypted: a plain file put in an encrypted one's place is refused, never loaded.
   */
  decode(file: Readable, opts?: { requireEncryption?: boolean }): Readable;
  /**
   * Loads RDB files into the primaries of a new group's shards, every key into the shard owning
   * its slot; idempotent (keys are replaced), so a restore cut short is simply run again.
   */
  restore(sources: Array<() => Promise<Readable>>, shards: TargetShard[], limits: RestoreLimits): Promise<RestoreResult>;
}

/** An RDB file starts with these bytes (`REDIS0011`…): how a plain RDB is told from a framed snapshot file. */
export const RDB_MAGIC = Buffer.from('REDIS');
