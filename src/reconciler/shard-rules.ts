import type { CacheClusterRecord, ReplicationGroupRecord, ShardRecord } from '../store/index.js';
import type { HealthMonitor } from '../health/monitor.js';
import type { ReconcilerDeps } from './deps.js';
import { transitModeOf } from '../engine/transit.js';

/** What failover decisions read of the health monitor (its observing half). */
export type MonitorView = Pick<HealthMonitor, 'canAct' | 'health'>;

/**
 * Should `shard` fail over now? Its primary has run before (a node being created is not "down"),
 * the health monitor judges it down and may act (not in TILT), and a replica exists. There is no
 * throttle here: a shard is never left without a primary to wait out a timer. Damping a node
 * that keeps coming back is the monitor's (it needs more failed checks before calling it down).
 */
export function shouldFailOver(d: { monitor?: MonitorView | undefined; nodeKeyOf(c: CacheClusterRecord): string }, shard: ShardRecord, primary: CacheClusterRecord): boolean {
  if (shard.memberClusters.length < 2 || !d.monitor?.canAct || !primary.nodes[0]?.observed?.runId) return false;
  return d.monitor.health(d.nodeKeyOf(primary)).health === 'down';
}

/** A repair the sharded controller starts as a failover record (see `shardRepair`). */
export interface ShardRepair {
  reason: 'no-primary' | 'engine-promoted';
  from: string;
  to: string;
  /** The event that says why. */
  message: string;
}

/**
 * What to do with a cluster-mode shard whose primary on record answers, but as a replica (Redis
 * Cluster fails over by itself only when the service asked it to, so this is Redis resolving
 * crossed claims after a TAKEOVER, when the taken-over primary returns):
 * - another member answers as primary: the record follows it (`engine-promoted`, no data moves);
 * - every member answers, each as a replica (two nodes each replicating the other, both keeping
 *   their data; cluster.c leaves that "for the admin to repair"): the primary on record is
 *   promoted again (`no-primary`). Only when every member answers: one out of reach could be
 *   the primary the others follow.
 */
export function shardRepair(shard: ShardRecord, label: string, clusters: Map<string, CacheClusterRecord>, answering: (c: CacheClusterRecord) => boolean): ShardRepair | undefined {
  const primary = clusters.get(shard.primaryClusterId);
  if (shard.failover || !primary || !answering(primary) || primary.nodes[0]?.observed?.role !== 'replica') return undefined;
  const members = shard.memberClusters.map((id) => clusters.get(id));
  const current = members.find((m) => m && !m.deleteRequested && answering(m) && m.nodes[0]?.observed?.role === 'primary');
  if (current) {
    return { reason: 'engine-promoted', from: primary.id, to: current.id,
      message: `${current.id} answers as the primary of ${label}, not ${primary.id}: Redis Cluster promoted it; the record follows` };
  }
  const allReplicas = members.every((m) => m && !m.deleteRequested && answering(m) && m.nodes[0]?.observed?.role === 'replica');
  if (!allReplicas) return undefined;
  return { reason: 'no-primary', from: primary.id, to: primary.id,
    message: `${label[0]!.toUpperCase()}${label.slice(1)} has no primary: each of its nodes answers as a replica; promoting ${primary.id}, its primary on record` };
}

/**
 * A group whose shard has no serving primary (a failover under way, or the primary not answering
 * as one) is not `available`: it shows `modifying` until the controller finds it whole again.
 */
export function markUnavailable(g: ReplicationGroupRecord): void {
  if (g.status === 'available') g.status = 'modifying';
}

/**
 * A change the API made since the last pass (a newer spec generation than the status observed)
 * makes an available group `modifying` until the controller finds it settled again, so that it
 * never reads `available` before the change is carried out.
 */
export function observeGeneration(g: ReplicationGroupRecord): void {
  if ((g.generation ?? 0) > g.observedGeneration) markUnavailable(g);
}

/** A member node serves another TLS-in-transit mode than its cluster's (a mode change under way). */
export function transitMoving(members: CacheClusterRecord[]): boolean {
  return members.some((m) => m.nodes.some((n) => n.transit !== undefined && n.transit !== transitModeOf(m)));
}

/**
 * Marks a settled group available (with its event), persists it, and tells the loop whether it
 * still converges. A group seeded from a snapshot turns available only once its data is loaded:
 * when it first settles its restore is marked `waiting` for the snapshot controller; a restore
 * that failed leaves it `restore-failed` (only DeleteReplicationGroup is left to do).
 */
export async function finishGroup(d: ReconcilerDeps, g: ReplicationGroupRecord, persist: () => Promise<void>, settled: boolean): Promise<boolean> {
  if (g.status === 'restore-failed') {
    await persist();
    return false;
  }
  if (settled && g.restore && g.restoreState?.state !== 'done') {
    g.restoreState ??= { state: 'waiting', attempts: 0 };
    await persist();
    return true;
  }
  if (settled && g.status !== 'available') {
    const was = g.status;
    g.status = 'available';
    await d.events.emit('replication-group', g.id,
      was === 'creating' ? `Replication group ${g.id} created` : `Replication group ${g.id} is available`);
  }
  await persist();
  return !settled;
}

/** The members a restore under way restarts on their data (RestoreState.seeding); none once it has ended. */
export function seedingMembers(r: Pick<ReplicationGroupRecord, 'restore' | 'restoreState'>): readonly string[] {
  const st = r.restoreState;
  return r.restore && (st?.state === 'waiting' || st?.state === 'loading') ? st.seeding ?? [] : [];
}
