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
