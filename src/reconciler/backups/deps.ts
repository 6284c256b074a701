import type { Services } from '../../core/index.js';
import type { NodeInfo } from '../../engine/admin.js';
import type { AdminConnectionOptions } from '../../engine/connect.js';
import type { SnapshotIO } from '../../snapshots/io.js';
import { ConflictError, type CacheClusterRecord } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import type { PointInTimeIO } from '../pitr/deps.js';
import type { SeedNode } from '../seed-node.js';

/**
 * What the snapshot controller and its jobs touch, injected: the real wiring is the service's,
 * unit tests pass the in-memory SnapshotIO (snapshots/fake-io.ts) and a hook that stops a job
 * at any step, as a crash of the control plane would.
 */
export interface BackupDeps {
  /** Store, events, clock, installation (ARNs) and keys, as API handlers have them. */
  svc: Services;
  io: SnapshotIO;
  /** Point-in-time archives (restores to a time read them); absent: such restores fail. */
  pitr?: PointInTimeIO;
  /**
   * Restarts a cluster-mode primary on its shard's snapshot file (seed-node.ts); absent when the
   * node provider cannot, and restores then move every key.
   */
  seed?: SeedNode;
  /** How the service reaches a node (admin credentials, TLS): the admin pool's resolver. */
  nodeOptions(address: string, port: number): AdminConnectionOptions;
  /**
   * Role, link and replication offset of a member's node (INFO), to wait before a shard is taken
   * from a replica until it has every write its primary had (failover/catch-up.ts). Absent (unit
   * tests of other things): the replica is taken as it is.
   */
  observe?(c: CacheClusterRecord): Promise<NodeInfo>;
  /** How long a backup waits for a replica to catch up before it takes the shard from its primary (default 10 s). */
  catchUpMs?: number;
  logger: Logger;
  /** Asks for a reconcile pass (a job ended, or persisted a step). */
  kick(): void;
  /**
   * Called between any two steps of a job, after the step's effects are persisted (tests: a
   * promise that never settles stops the job there for good, as a kill -9 would).
   */
  checkpoint?(step: string): Promise<void>;
  /** This controller instance (a restarted service has a new one): marks the work it runs. */
  owner: string;
  /** Runs of one piece of work before an interrupted one is failed instead of run again (default 3). */
  maxAttempts?: number;
  /** True once the controller was stopped: jobs stop at their next step, as after a crash (the next start resumes them). */
  stopped?(): boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/** The stop between two steps (see {@link BackupDeps.checkpoint}). */
export async function checkpoint(d: BackupDeps, step: string): Promise<void> {
  if (d.stopped?.()) await new Promise<never>(() => undefined);
  await d.checkpoint?.(step);
}

/**
 * Runs a read-modify-write until it commits without losing a race (the reconciler's own writes of
 * the same records, an API call): `step` re-reads what it writes every time. Gives up after a few
 * rounds by throwing the last conflict (the next pass tries again).
 */
export async function commitFresh(step: () => Promise<void>, rounds = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= rounds) throw e;
    }
  }
}

/** A short, single-line reason for an event or a status record. */
export function reason(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0]!.slice(0, 300);
}
