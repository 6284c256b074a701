import type { CacheClusterRecord, ReplicationGroupRecord, ShardRecord } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';

/**
 * Should `shard` fail over now? Its primary has run before (a node being created is not "down"),
 * the health monitor judges it down and may act (not in TILT), a replica exists, and the last
 * failover of this shard is older than the throttle (no flapping).
 */
export function shouldFailOver(d: ReconcilerDeps, shard: ShardRecord, primary: CacheClusterRecord, throttleMs: number): boolean {
  if (shard.memberClusters.length < 2 || !d.monitor?.canAct || !primary.nodes[0]?.observed?.runId) return false;
  if (d.monitor.health(d.nodeKeyOf(primary)).health !== 'down') return false;
  const last = shard.lastFailoverAt ? Date.parse(shard.lastFailoverAt) : 0;
  return d.now().getTime() - last >= throttleMs;
}

/** Marks a settled group available (with its event), persists it, and tells the loop whether it still converges. */
export async function finishGroup(d: ReconcilerDeps, g: ReplicationGroupRecord, persist: () => Promise<void>, settled: boolean): Promise<boolean> {
  if (settled && g.status !== 'available') {
    const was = g.status;
    g.status = 'available';
    await d.events.emit('replication-group', g.id,
      was === 'creating' ? `Replication group ${g.id} created` : `Replication group ${g.id} is available`);
  }
  await persist();
  return !settled;
}
