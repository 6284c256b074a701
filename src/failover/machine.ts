import type { CacheClusterRecord, FailoverRecord, ShardRecord } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { waitCaughtUp } from './catch-up.js';
import type { NodeControl } from './node-control.js';
import { selectReplica, type Candidate } from './select.js';
import type { ShardOps } from './shard-ops.js';

export interface FailoverDeps {
  /** Reads and pauses members' nodes (admin connections in production, fakes in unit tests). */
  nodes: NodeControl;
  /**
   * Records an event of the replication group, to be stored in the same commit as the state this
   * step leaves (the caller's persist): an event is stored exactly when its step's state is.
   */
  record(message: string, level?: 'info' | 'warn'): void;
  logger: Logger;
  now(): Date;
  /** Is this member's node healthy (answering) right now, per the health monitor. */
  healthy(c: CacheClusterRecord): boolean;
  /** Re-programs the endpoints for the shard's new primary and drops connections still going to the old one. */
  switchEndpoint(from: CacheClusterRecord | undefined): Promise<void>;
  ops: ShardOps;
  /** For events: the replication group id, and how to name the shard ("node group 0002" or ""). */
  groupId: string;
  shardLabel: string;
  /** How long a planned failover waits for the replica to catch up with the paused primary (2000 ms). */
  catchUpMs?: number;
}

/**
 * How long an unplanned cluster-mode promotion waits for the replica to hear of slots its dead
 * primary gave away (gossip reaches every node within cluster-node-timeout / 2, 2.5 s here).
 */
export const STALE_VIEW_WAIT_MS = 3000;

/** CLIENT PAUSE WRITE of a planned failover's old primary (lifted once it is repointed). */
export const PLANNED_PAUSE_MS = 10_000;

export type StepResult = 'advanced' | 'blocked' | 'done' | 'aborted';

/**
 * Runs the current step of `shard.failover` and moves it to the next state:
 * select-replica → promote → switch-endpoint → repoint-replicas → update-state.
 * Every step is idempotent: after a crash the control plane reads the persisted state and runs
 * that step again. The caller persists the record holding `shard` after each call, with the
 * events the step recorded (`d.record`) in the same commit.
 */
export async function stepFailover(d: FailoverDeps, shard: ShardRecord, members: Map<string, CacheClusterRecord>): Promise<StepResult> {
  const f = shard.failover!;
  const from = members.get(f.fromClusterId);
  const to = f.toClusterId ? members.get(f.toClusterId) : undefined;
  // The primary being left, if any: a repair that promotes the primary on record again (from = to) leaves none.
  const leaving = from && from.id !== f.toClusterId ? from : undefined;
  const planned = (f.reason === 'test-failover' || f.reason === 'switchover') && !!leaving && d.healthy(leaving);
  switch (f.state) {
    case 'select-replica': {
      if (f.reason === 'primary-down' && from && d.healthy(from) && from.nodes[0]?.observed?.role === 'primary') {
        d.record(`Primary ${from.id} answers again; failover cancelled`);
        delete shard.failover;
        return 'aborted';
      }
      const candidates: Candidate[] = [];
      for (const m of members.values()) {
        if (m.id === f.fromClusterId || m.deleteRequested || !shard.memberClusters.includes(m.id)) continue;
        const healthy = d.healthy(m) && m.nodes[0]?.observed?.role === 'replica' && (f.reason === 'primary-down' || !!m.nodes[0]?.observed?.linkUp);
        let offset = -1, priority = 100;
        if (healthy) {
          try {
            offset = (await d.nodes.observe(m)).replOffset;
            priority = await d.nodes.priority(m);
          } catch { continue; }
        }
        candidates.push({ clusterId: m.id, priority, offset, healthy });
      }
      const chosen = selectReplica(candidates);
      if (!chosen) return 'blocked';
      f.toClusterId = chosen.clusterId;
      f.state = 'promote';
      d.logger.info({ resource: d.groupId, shard: d.shardLabel, replica: chosen.clusterId, offset: chosen.offset }, 'failover: replica selected');
      return 'advanced';
    }
    case 'promote': {
      if (!to) { f.state = 'select-replica'; delete f.toClusterId; return 'advanced'; }
      if (planned && !d.ops.pausesItself) {
        // A planned failover stops writes on the old primary first, so the replica has them all;
        // a replica that cannot show it has them (still syncing, link down) is not promoted yet.
        // The pause must outlast every step up to the old primary's repoint, however slow (a busy
        // host): writes it held would otherwise run on a demoted history. The repoint-replicas
        // step ends it (after the switch closed the clients), and so does a blocked step.
        await d.nodes.pauseWrites(from!, PLANNED_PAUSE_MS);
        if (!(await caughtUp(d, from!, to))) {
          await d.nodes.unpause(from!).catch(() => undefined);
          d.logger.warn({ resource: d.groupId, from: from!.id, to: to.id }, 'planned failover waits: the replica is not in sync yet');
          return 'blocked';
        }
      }
      const promoted = (await d.nodes.observe(to)).role === 'primary';
      if (!promoted && !planned && d.ops.staleSlots && d.now().getTime() - Date.parse(f.startedAt) < STALE_VIEW_WAIT_MS) {
        // Its primary died just after giving slots away, before this replica heard: taking over
        // now would take them back from their new owner and delete their keys. Gossip is near.
        const stale = await d.ops.staleSlots(to).catch(() => 0);
        if (stale > 0) {
          d.logger.warn({ resource: d.groupId, shard: d.shardLabel, replica: to.id, slots: stale },
            'failover waits: the replica still sees its old primary owning slots another primary serves now');
          return 'blocked';
        }
      }
      if (!promoted) await d.ops.promote(to, planned);
      if ((await d.nodes.observe(to)).role !== 'primary') {
        if (planned && !d.ops.pausesItself) await d.nodes.unpause(from!).catch(() => undefined);
        return 'blocked';
      }
      f.state = 'switch-endpoint';
      return 'advanced';
    }
    case 'switch-endpoint': {
      // Before the old primary is repointed: from REPLICAOF on, Redis answers a write READONLY
      // before it looks at the pause, so a client still on it (the pause holds only the writes
      // that were already waiting) would see READONLY until the switch. Switched first, every
      // client is moved off it while it is still a paused primary.
      shard.primaryClusterId = to!.id;
      await d.switchEndpoint(leaving);
      // Anyone still connected to the old primary reconnects through the endpoint, to the new one;
      // writes held by the pause die with their connections and the clients send them again there.
      // (CLIENT KILL skips the caller, so the admin connection stays to unpause.)
      if (leaving && d.healthy(leaving)) await d.nodes.dropClients(leaving).catch(() => undefined);
      f.state = 'repoint-replicas';
      return 'advanced';
    }
    case 'repoint-replicas': {
      for (const m of members.values()) {
        if (m.id === to!.id || !shard.memberClusters.includes(m.id) || m.deleteRequested || !d.healthy(m)) continue;
        await d.ops.repoint(m, to!);
      }
      // Unpaused once a replica: a write that reached it meanwhile (a client connected to the
      // node's own address) is then answered READONLY, never run on the old history.
      if (leaving && d.healthy(leaving)) await d.nodes.unpause(leaving).catch(() => undefined);
      // A record saved by a version that repointed before switching is switched now.
      f.state = shard.primaryClusterId === to!.id ? 'update-state' : 'switch-endpoint';
      return 'advanced';
    }
    case 'update-state': {
      const took = d.now().getTime() - Date.parse(f.startedAt);
      shard.lastFailoverAt = d.now().toISOString();
      delete shard.failover;
      const where = d.shardLabel ? ` for ${d.shardLabel}` : '';
      if (f.reason === 'no-primary' || f.reason === 'engine-promoted') {
        const [what, why] = f.reason === 'no-primary' ? ['is primary again', 'no node was primary'] : ['is the primary on record', 'Redis Cluster had promoted it'];
        d.record(`Node ${to!.id}-${to!.nodes[0]!.id} ${what}${where} (${why}, ${took} ms)`);
        return 'done';
      }
      const why = f.reason === 'primary-down' ? `primary ${f.fromClusterId} failed` : f.reason;
      d.record(`Failover to replica node ${to!.id}-${to!.nodes[0]!.id} completed${where} (${why}, ${took} ms)`);
      return 'done';
    }
  }
}

/** Waits (bounded) until the replica has processed everything the paused primary had (catch-up.ts). */
async function caughtUp(d: FailoverDeps, from: CacheClusterRecord, to: CacheClusterRecord): Promise<boolean> {
  const r = await waitCaughtUp((c) => d.nodes.observe(c), from, to, {
    timeoutMs: d.catchUpMs ?? 2000,
    onError: (err) => d.logger.warn({ err }, 'could not compare replication offsets'),
  });
  return r === 'caught-up';
}

export function newFailover(reason: FailoverRecord['reason'], fromClusterId: string, now: Date, toClusterId?: string): FailoverRecord {
  return {
    state: toClusterId ? 'promote' : 'select-replica',
    fromClusterId,
    ...(toClusterId ? { toClusterId } : {}),
    reason,
    startedAt: now.toISOString(),
  };
}
