/**
 * The member of a shard its archive follows (pure): a replica that answers with its link to the
 * primary up, so the primary's clients never share it with the archive; the primary when no
 * replica can serve; undefined when no member answers. Asked again before every connection of the
 * archiver, so after a failover it follows the shard's new members (PSYNC continues the line).
 */
import type { CacheClusterRecord, ReplicationGroupRecord } from '../../store/index.js';

export function archiveSource(g: ReplicationGroupRecord, nodeGroupId: string,
  clusters: ReadonlyMap<string, CacheClusterRecord>): CacheClusterRecord | undefined {
  const shard = g.clusterEnabled ? g.nodeGroups?.find((ng) => ng.id === nodeGroupId) : g;
  if (!shard) return undefined;
  const members = shard.memberClusters.map((id) => clusters.get(id)).filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested);
  const answering = (c: CacheClusterRecord) => !!c.nodes[0]?.observed?.runId && c.nodes[0].observed.lastError === undefined;
  const replica = members.find((c) => c.nodes[0]?.observed?.role === 'replica' && c.nodes[0].observed.linkUp === true && answering(c));
  if (replica) return replica;
  const primary = members.find((c) => c.id === shard.primaryClusterId);
  return primary && answering(primary) ? primary : undefined;
}
