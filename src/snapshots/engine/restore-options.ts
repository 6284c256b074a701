/** How restoreInto (restore.ts) runs: its own module, so the steps it is made of can read it too. */
import type { Owner } from '../../paths/tighten.js';
import type { Logger } from '../../util/logger.js';
import type { RestoreProgress } from '../types.js';
import type { Readable } from 'node:stream';

export interface RestoreOptions {
  /** The redis-server binary loaders run. */
  redisServer: string;
  /** A directory of the caller's (the service's, 0700) where loader directories are made and removed. */
  workDir: string;
  /** The user loaders run as when the service runs as root (as nodes do: engine/node-user.ts). */
  nodeUser?: Owner;
  /** Memory a target shard's primary may use for data (its maxmemory); absent: not checked. */
  maxBytesPerShard?: number;
  /** Most keys in one MIGRATE, or asked of one SCAN by the pipelined mover. Default 2000 (MIGRATE), 1000 (pipe). */
  batchKeys?: number;
  /** Most estimated bytes in one MIGRATE. Default 8 MiB. */
  batchBytes?: number;
  /** MIGRATE's timeout on the target. Default 30000 ms. */
  migrateTimeoutMs?: number;
  /** Longest a source may send nothing while it loads. Default 60000 ms. */
  loadIdleTimeoutMs?: number;
  /**
   * For targets serving TLS: a certificate and key issued by the CA the targets trust (PEM),
   * the service side of their connections: the loaders' for MIGRATE, the fake master's for a
   * primary that loads the source itself. The CA comes from the targets' `tls.ca`.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * `auto` (default): one source into one cluster-mode-disabled shard is loaded by the target's
   * primary itself (its data is replaced), anything else is moved as a pipelined stream (strings
   * GET → SET, other keys DUMP → RESTORE). `pipe`: always that stream. `migrate`: always MIGRATE (slower: kept to compare).
   */
  method?: 'auto' | 'pipe' | 'migrate';
  /**
   * Every source's bytes were authenticated before they were emitted (an encrypted snapshot's
   * AES-GCM records), or checked segment by segment as they were decoded (any of the service's
   * own snapshot files: what Redis wrote and checked at capture), or written by Redis itself (a
   * point-in-time replay): nothing corrupt can reach a node. Then one source
   * into one cluster-mode-disabled shard is read once, straight into the target's primary
   * (single-restore.ts). Otherwise Redis's checker reads it first and the primary reads it again:
   * a corrupt RDB makes a redis-server loading it from a socket exit, and that must never be the target.
   * (Loaders never check a source's CRC-64: the service does, for untrusted sources, source-load.ts.)
   */
  trustedSources?: boolean;
  /**
   * The targets are the snapshot's own shape (source i holds only keys of shard i's slots) and
   * their primaries may be restarted on their source: with trusted sources, each primary then
   * loads its own file at start (seed.ts) instead of keys being moved into it.
   */
  seed?: SeedHooks;
  /** Told once the sources are loaded, then after each batch of keys moved (see RestoreProgress). */
  onProgress?: (p: RestoreProgress) => void;
  logger?: Logger;
  /** Source address of the loaders' connections to the targets (the service's management address). */
  localAddress?: string;
  signal?: AbortSignal;
}

/** How the caller restarts a shard's primary on its data (the reconciler: the node's own spec, and NodeProvider.restartOnData). */
export interface SeedHooks {
  /** Restarts shard `shard`'s primary on `rdb`; resolves once the node has read all of it (it may still be loading). */
  restart(shard: number, rdb: Readable, signal: AbortSignal): Promise<void>;
}
