import type { CacheClusterRecord, ReplicationGroupRecord, ShardRecord } from './records.js';
import type { ClusterView, GroupView } from './views.js';


/**
 * The status an API caller sees: `deleting` once deletion was asked for, `snapshotting` while a
 * snapshot of it is being taken, `modifying` while the reconciler has not yet observed the latest
 * change (or a requested failover has not started), `rebooting cache cluster nodes` while
 * requested reboots are not carried out.
 */
export function presentedGroup(g: ReplicationGroupRecord): ReplicationGroupRecord {
  const out = { ...g };
  const shards: ShardRecord[] = out.nodeGroups ?? [out];
  const waiting = shards.some((s) => s.failoverRequest && s.failoverRequest.id !== s.handledFailoverRequest);
  if (out.deleteRequested) out.status = 'deleting';
  else if (out.snapshotting) out.status = 'snapshotting';
  else if (out.status !== 'creating' && ((out.generation ?? 0) > out.observedGeneration || waiting)) out.status = 'modifying';
  return out;
}

export function presentedCluster(c: CacheClusterRecord): CacheClusterRecord {
  // A shallow copy: only the status fields shown differently are replaced, never changed in place.
  const out = { ...c };
  const reboot = new Set(out.rebootRequested ?? []);
  if (reboot.size) out.nodes = c.nodes.map((n) => (reboot.has(n.id) ? { ...n, status: 'rebooting' } : n));
  if (out.deleteRequested) out.status = 'deleting';
  else if (out.snapshotting) out.status = 'snapshotting';
  else if (reboot.size > 0) out.status = 'rebooting cache cluster nodes';
  else if (out.status !== 'creating' && (out.generation ?? 0) > out.observedGeneration) out.status = 'modifying';
  return out;
}

/** The view with the doc an API caller sees (writes of it still go to the spec only). */
export function presentedView<V extends ClusterView | GroupView>(v: V): V {
  const doc = 'nodes' in v.doc ? presentedCluster(v.doc as CacheClusterRecord) : presentedGroup(v.doc as ReplicationGroupRecord);
  return { ...v, doc } as V;
}
