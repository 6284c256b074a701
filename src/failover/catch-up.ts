import type { NodeInfo } from '../engine/admin.js';
import type { CacheClusterRecord } from '../store/index.js';

/**
 * Whether a replica has processed everything its primary had when asked: the replica's offset
 * reached the primary's `master_repl_offset` of that moment. Used before a planned failover (the
 * primary's writes paused) and before a backup is taken from a replica (a write the primary
 * acknowledged before CreateSnapshot must be in the snapshot: right after a full sync, Redis 7.0
 * streams nothing to a replica until its first `REPLCONF ACK` reaches the primary, up to a second
 * later, and a busy replica may trail its primary at any time).
 *
 * - `caught-up`: it has;
 * - `behind`: not within the time given, or the replica could not be read;
 * - `primary-unknown`: the primary's offset could not be read, so nothing is known.
 */
export type CatchUp = 'caught-up' | 'behind' | 'primary-unknown';

export interface CatchUpOptions {
  timeoutMs: number;
  /** Between two readings of the replica (default 5 ms). */
  pollMs?: number;
  /** A node that could not be read (the answer says which way it went). */
  onError?(err: unknown): void;
  /** True once the caller no longer needs the answer (a service stopping): the wait ends, `behind`. */
  cancelled?(): boolean;
}

export async function waitCaughtUp(observe: (c: CacheClusterRecord) => Promise<NodeInfo>,
  from: CacheClusterRecord, to: CacheClusterRecord, o: CatchUpOptions): Promise<CatchUp> {
  const deadline = Date.now() + o.timeoutMs;
  const source = `${from.nodes[0]!.address}:${from.nodes[0]!.port}`;
  let target: number;
  try {
    target = (await observe(from)).replOffset;
  } catch (err) {
    o.onError?.(err);
    return 'primary-unknown';
  }
  for (;;) {
    try {
      if (followsUpTo(await observe(to), source, target)) return 'caught-up';
    } catch (err) {
      o.onError?.(err);
      return 'behind';
    }
    if (Date.now() >= deadline || o.cancelled?.()) return 'behind';
    await new Promise((res) => setTimeout(res, o.pollMs ?? 5));
  }
}

/**
 * The replica's offset counts only while it follows that primary with the link up and no sync
 * under way: a replica in a full resync still reports the offset of its previous history (e.g. a
 * former primary).
 */
export function followsUpTo(r: NodeInfo, source: string, offset: number): boolean {
  return r.role === 'replica' && r.linkUp === true && !r.syncInProgress && `${r.masterHost}:${r.masterPort}` === source && r.replOffset >= offset;
}
