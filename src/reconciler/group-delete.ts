import { clusterSpecWrite, getUserGroup, groupDelete, groupSpecWrite, listClusters, userGroupSpecWrite, type CacheClusterRecord, type GroupView, type ReplicationGroupRecord, type WriteOp } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { finalSnapshotGate } from './backups/final-snapshot.js';

/**
 * Deletes a replication group (after its final snapshot, when one was asked for): its member clusters first (or detaches the retained primary,
 * cluster mode disabled only), then, once none is left, the group, its endpoint addresses and
 * its tags. Returns true while members remain.
 */
export async function deleteGroup(d: ReconcilerDeps, stored: GroupView, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
  const g = stored.doc;
  // A final snapshot is taken before any node stops; one that failed calls the deletion off.
  const gate = await finalSnapshotGate(d.store, g.finalSnapshotName);
  if (gate === 'wait') return true;
  if (gate === 'cancel') {
    const { deleteRequested: _d, finalSnapshotName: _f, retainPrimaryCluster: _r, ...rest } = g;
    await d.store.commit(groupSpecWrite(stored, rest), { events: [d.events.event('replication-group', g.id,
      `Final snapshot ${g.finalSnapshotName} of replication group ${g.id} failed; the replication group was not deleted`, 'warn')] });
    return true;
  }
  const ops: WriteOp[] = [];
  let remaining = 0;
  const views = new Map((await listClusters(d.store)).filter((v) => g.memberClusters.includes(v.id)).map((v) => [v.id, v]));
  for (const id of g.memberClusters) {
    const view = views.get(id);
    const c = view?.doc ?? clusters.get(id);
    if (!c || !view) continue;
    if (g.retainPrimaryCluster && !g.clusterEnabled && id === g.primaryClusterId) {
      if (c.replicationGroupId) {
        const { replicationGroupId: _drop, ...rest } = c;
        ops.push(...clusterSpecWrite(view, rest));
      }
      continue;
    }
    remaining++;
    if (!c.deleteRequested) ops.push(...clusterSpecWrite(view, { ...c, deleteRequested: true }));
  }
  if (remaining === 0) {
    const addresses = new Set(groupAddresses(g));
    ops.push(...groupDelete(stored),
      ...[...addresses].map((a): WriteOp => ({ op: 'delete', kind: 'address', id: a })));
    if (await d.store.get('tags', g.arn)) ops.push({ op: 'delete', kind: 'tags', id: g.arn });
    // RBAC: the user groups it used are no longer attached to it (a spec transition of theirs,
    // finishing the DeleteReplicationGroup, at the version read).
    for (const id of g.userGroupIds ?? []) {
      const ug = await getUserGroup(d.store, id);
      if (ug?.doc.replicationGroups.includes(g.id)) {
        ops.push(...userGroupSpecWrite(ug, { ...ug.doc, replicationGroups: ug.doc.replicationGroups.filter((r) => r !== g.id) }));
      }
    }
  }
  await d.store.commit(ops);
  if (remaining === 0) await d.events.emit('replication-group', g.id, `Replication group ${g.id} deleted`);
  return remaining > 0;
}

/** The endpoint addresses a group holds (cluster mode: the configuration endpoint only). */
export function groupAddresses(g: Pick<ReplicationGroupRecord, 'primaryEndpoint' | 'readerEndpoint' | 'configurationEndpoint'>): string[] {
  return [g.primaryEndpoint.address, g.readerEndpoint.address, ...(g.configurationEndpoint ? [g.configurationEndpoint.address] : [])];
}
