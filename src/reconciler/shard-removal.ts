import { clusterSpecWrite, type CacheClusterRecord, type ClusterView, type ReplicationGroupRecord, type WriteOp } from '../store/index.js';

/** The group without its emptied shards, and the cluster writes that must go in the same commit. */
export interface ShardRemoval {
  /** The group no longer naming the removed node groups or their clusters (`resharding.removing` emptied). */
  group: ReplicationGroupRecord;
  /** Each removed cluster marked `deleting` at the version read: commit them with `group`, atomically. */
  ops: WriteOp[];
  /** The clusters those ops mark for deletion. */
  deleting: string[];
}

/**
 * Node groups that gave away every slot leave the group. The records are the only memory of what
 * is to be deleted: the group stops naming the shards *in the same commit* that marks their
 * clusters `deleting` (deleteRequested), as DecreaseReplicaCount does for replicas. So
 *  1. after that commit (also across a control-plane restart) the cluster controller finds the
 *     marked clusters and deletes them: nodes stopped, addresses, tags and records removed;
 *  2. when that commit fails, nothing is marked and the group still lists the shards as
 *     `removing`: the next pass of this group plans the same removal again;
 *  3. a cluster is marked only when its own record says it belongs to this group (never another
 *     group's cluster, whatever this group's record names). One already being deleted is left as is.
 * `clusters`: the stored records of the removed shards' members (a missing one is already gone).
 */
export function planShardRemoval(g: ReplicationGroupRecord, clusters: Map<string, ClusterView>): ShardRemoval {
  const leaving = new Set(g.resharding?.removing ?? []);
  const shards = g.nodeGroups ?? [];
  const gone = new Set(shards.filter((ng) => leaving.has(ng.id)).flatMap((ng) => ng.memberClusters));
  const kept = shards.filter((ng) => !leaving.has(ng.id));
  const group: ReplicationGroupRecord = {
    ...g,
    nodeGroups: kept,
    memberClusters: g.memberClusters.filter((id) => !gone.has(id)),
    primaryClusterId: kept[0]?.primaryClusterId ?? g.primaryClusterId,
    ...(g.resharding ? { resharding: { ...g.resharding, removing: [] } } : {}),
  };
  const ops: WriteOp[] = [];
  const deleting: string[] = [];
  for (const id of gone) {
    const c = clusters.get(id);
    if (!c || c.doc.replicationGroupId !== g.id || c.doc.deleteRequested) continue;
    ops.push(...clusterSpecWrite(c, { ...c.doc, deleteRequested: true }));
    deleting.push(id);
  }
  return { group, ops, deleting };
}

/**
 * Clusters whose record names this group while the group does not name them and they are not
 * being deleted (e.g. left behind by a version that kept removals in memory only). Nothing
 * deletes them on its own: they are reported, and DeleteCacheCluster removes them.
 */
export function strayClusters(g: ReplicationGroupRecord, clusters: Iterable<CacheClusterRecord>): string[] {
  const named = new Set(g.memberClusters);
  const out: string[] = [];
  for (const c of clusters) if (c.replicationGroupId === g.id && !named.has(c.id) && !c.deleteRequested) out.push(c.id);
  return out;
}
