/**
 * The contracts of the backup machinery, shared by its three parts:
 * - storage (storage/): where snapshot files live (the data directory by default, an S3-compatible
 *   store when configured), how they are framed (compressed, encrypted) and the keys they use;
 * - the engine side (engine/): taking a shard's RDB from a node, and loading RDB files into
 *   the nodes of a new group of any shape;
 * - the API and the controller (api/actions, reconciler): records, statuses, events, schedules.
 */
import type { Readable } from 'node:stream';
import type { AdminConnectionOptions } from '../engine/connect.js';

// ---------------------------------------------------------------- storage

/** One object of a snapshot store: a file of a snapshot, or an exported RDB in a bucket. */
export interface ObjectInfo {
  key: string;
  bytes: number;
}

/**
 * A flat store of immutable objects (S3's model): the data directory's folder, or a bucket of an
 * S3-compatible service. Writes are all-or-nothing: an object that failed to upload is never
 * listed or readable.
 */
export interface ObjectStore {
  /** Human-readable location for logs and events (`data dir`, `s3://bucket/prefix`). */
  readonly where: string;
  put(key: string, body: Readable): Promise<ObjectInfo>;
  /** Throws {@link ObjectNotFoundError} when absent. */
  get(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Idempotent: deleting an absent object is not an error. */
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<ObjectInfo[]>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string, where: string) {
    super(`${key} not found in ${where}`);
    this.name = 'ObjectNotFoundError';
  }
}

/**
 * The stores of an installation: `snapshots` keeps the service's own snapshot files;
 * `bucket(name)` is a bucket users export to and import from (`CopySnapshot --target-bucket`,
 * `SnapshotArns arn:aws:s3:::bucket/key`). Without an S3 service configured, a bucket is a folder
 * under the data directory, so the flow works out of the box.
 */
export interface SnapshotStorage {
  readonly snapshots: ObjectStore;
  bucket(name: string): ObjectStore;
}

/** A data key's reference, as records keep it (never the key material). */
export interface KeyRef {
  /** Key id (a UUID, as KMS names keys). */
  id: string;
  /** `arn:aws:kms:<region>:<account>:key/<id>`, what describe calls show as KmsKeyId. */
  arn: string;
}

/**
 * Keys for encryption at rest, kept in the data directory (0600). `KmsKeyId` in the API may be a
 * key id, a key ARN, an alias (`alias/name`) or an alias ARN; `resolve` answers undefined when it
 * names no key, so the API can give a clear error.
 */
export interface KeyStore {
  /** The installation's default key (created on first use), for encryption without a KmsKeyId. */
  defaultKey(): Promise<KeyRef>;
  resolve(kmsKeyId: string): Promise<KeyRef | undefined>;
  /** The 32-byte key material of a key id (throws when unknown). */
  material(id: string): Promise<Buffer>;
}

/** How a snapshot file is framed on the way to a store. */
export interface EncodeOptions {
  /** zstd (or an equally fast codec of node:zlib). */
  compress: boolean;
  /** AES-256-GCM in authenticated chunks under this key; absent: not encrypted. */
  key?: KeyRef;
}

/** Thrown while decoding a file that was tampered with, truncated or is not a snapshot file. */
export class CorruptSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptSnapshotError';
  }
}

// ---------------------------------------------------------------- engine

/** How the service reaches one node (address, port, admin credentials, TLS). */
export interface NodeTarget extends AdminConnectionOptions {
  address: string;
  port: number;
}

/** One shard of a restore's target: its primary and the slots it owns (cluster mode). */
export interface TargetShard {
  primary: NodeTarget;
  /** Inclusive ranges; absent for a cluster-mode-disabled target (the primary takes every key). */
  slots?: Array<[number, number]>;
  /** Replicas the shard has (a restore that seeds the primary waits until they have copied it). */
  replicas?: number;
}

export interface RestoreResult {
  keys: number;
  /** Bytes of RDB read. */
  bytes: number;
}

/**
 * A restore under way: told once every source is loaded (`keys` 0, unless the target's primary
 * loaded the data itself: then once, at the end, with every key), then after every batch of keys
 * moved into the shards.
 */
export interface RestoreProgress {
  /** Keys in their target shard so far. */
  keys: number;
  /** Keys in the sources (every database). */
  totalKeys: number;
  /** Bytes of RDB loaded (all sources). */
  bytes: number;
}

/** The data would not fit the new nodes (the group then ends `restore-failed`). */
export class RestoreTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreTooLargeError';
  }
}
