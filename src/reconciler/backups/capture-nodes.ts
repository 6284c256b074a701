import type { CacheClusterRecord, ReplicationGroupRecord, ShardRecord, SnapshotSpec } from '../../store/index.js';

/**
 * The member each shard of a snapshot is taken from, chosen when the backup runs (a pure
 * function of the records): a final snapshot (or a standalone cluster) from the primary; else the
 * member the snapshot asked for (SnapshottingClusterId) while it answers, else a replica whose
 * link to its primary is up, so the primary's clients never wait on a fork; the primary when no
 * replica can serve. Undefined for a shard with no member answering at all.
 */
export function captureMembers(spec: SnapshotSpec, group: ReplicationGroupRecord | undefined,
  clusters: ReadonlyMap<string, CacheClusterRecord>): Map<string, CacheClusterRecord | undefined> {
  const out = new Map<string, CacheClusterRecord | undefined>();
  if (!group) {
    const c = spec.config.cacheClusterId ? clusters.get(spec.config.cacheClusterId) : undefined;
    out.set('0001', c && answering(c) ? c : undefined);
    return out;
  }
  for (const [id, s] of snapshotShards(spec, group)) out.set(id, s ? pick(spec, s, clusters) : undefined);
  return out;
}

/** The primary of each shard of the snapshot, when it is on record (none for a standalone cluster). */
export function shardPrimaries(spec: SnapshotSpec, group: ReplicationGroupRecord | undefined,
  clusters: ReadonlyMap<string, CacheClusterRecord>): Map<string, CacheClusterRecord | undefined> {
  const out = new Map<string, CacheClusterRecord | undefined>();
  if (!group) return out;
  for (const [id, s] of snapshotShards(spec, group)) out.set(id, s?.primaryClusterId ? clusters.get(s.primaryClusterId) : undefined);
  return out;
}

function snapshotShards(spec: SnapshotSpec, group: ReplicationGroupRecord): Array<[string, ShardRecord | undefined]> {
  const shards: Array<[string, ShardRecord]> = group.clusterEnabled
    ? (group.nodeGroups ?? []).map((ng) => [ng.id, ng])
    : [['0001', group]];
  const byId = new Map(shards);
  return spec.config.shards.map((shard) => [shard.id, byId.get(shard.id)]);
}

function pick(spec: SnapshotSpec, shard: ShardRecord, clusters: ReadonlyMap<string, CacheClusterRecord>): CacheClusterRecord | undefined {
  const members = shard.memberClusters.map((id) => clusters.get(id)).filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested);
  const primary = members.find((c) => c.id === shard.primaryClusterId);
  const fromPrimary = spec.origin.kind === 'capture' && spec.origin.fromPrimary;
  if (fromPrimary) return primary && answering(primary) ? primary : undefined;
  const asked = spec.origin.kind === 'capture' ? spec.origin.snapshottingClusterId : undefined;
  const named = members.find((c) => c.id === asked);
  if (named && answering(named) && (named.id === primary?.id || linkUp(named))) return named;
  const replica = members.find((c) => c.id !== primary?.id && answering(c) && linkUp(c));
  if (replica) return replica;
  return primary && answering(primary) ? primary : undefined;
}

function answering(c: CacheClusterRecord): boolean {
  const o = c.nodes[0]?.observed;
  return !!o?.runId && o.lastError === undefined;
}

function linkUp(c: CacheClusterRecord): boolean {
  const o = c.nodes[0]?.observed;
  return o?.role === 'replica' && o.linkUp === true;
}
