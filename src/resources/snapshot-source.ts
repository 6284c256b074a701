import { randomBytes } from 'node:crypto';
import { arn, type Services } from '../core/index.js';
import type {
  CacheClusterRecord, KmsKeyRecord, ReplicationGroupRecord, SnapshotOrigin, SnapshotShardConfig, SnapshotSourceConfig, SnapshotSpec,
} from '../store/index.js';

/**
 * A snapshot's spec as it is recorded when the snapshot is asked for: the source's configuration
 * copied then (as DescribeSnapshots shows it ever after, whatever becomes of the source), the
 * member it is taken from, the key it is encrypted with.
 */

/** The version a cluster runs: observed on its node, else the installed engine chosen at create. */
function engineVersionOf(c: CacheClusterRecord): string {
  return c.nodes.find((n) => n.observed?.engineVersion)?.observed?.engineVersion ?? c.engineVersionInstalled;
}

async function vpcOf(svc: Services, subnetGroupName: string): Promise<string> {
  return (await svc.store.get('cacheSubnetGroup', subnetGroupName))?.doc.vpcId ?? '';
}

/**
 * The member of a cluster-mode-disabled group a snapshot is taken from: the primary for a final
 * snapshot; else the SnapshottingClusterId (the member named), else the first replica whose
 * link to the primary is up (a backup from a replica leaves the primary's latency alone), else
 * the primary.
 */
export function snapshottingMember(g: ReplicationGroupRecord, members: CacheClusterRecord[], final: boolean): CacheClusterRecord {
  const primary = members.find((m) => m.id === g.primaryClusterId) ?? members[0]!;
  if (final) return primary;
  const chosen = members.find((m) => m.id === g.snapshottingClusterId && !m.deleteRequested);
  const replicas = members.filter((m) => m.id !== primary.id && !m.deleteRequested);
  if (chosen) return chosen;
  return replicas.find((m) => m.nodes[0]?.observed?.linkUp) ?? replicas[0] ?? primary;
}

export async function groupSourceConfig(svc: Services, g: ReplicationGroupRecord, members: CacheClusterRecord[],
  snapshotting: CacheClusterRecord | undefined): Promise<SnapshotSourceConfig> {
  const byId = new Map(members.map((m) => [m.id, m]));
  const shardOf = (id: string, memberIds: string[], primaryId: string, slots?: string): SnapshotShardConfig => {
    const primary = byId.get(primaryId);
    const replicas = memberIds.filter((m) => m !== primaryId).map((m) => byId.get(m)).filter((m): m is CacheClusterRecord => !!m);
    return {
      id, ...(slots ? { slots } : {}), replicaCount: replicas.length,
      ...(primary ? { primaryAvailabilityZone: primary.preferredAvailabilityZone } : {}),
      replicaAvailabilityZones: replicas.map((r) => r.preferredAvailabilityZone),
    };
  };
  const shards = g.clusterEnabled
    ? (g.nodeGroups ?? []).map((ng) => shardOf(ng.id, ng.memberClusters, ng.primaryClusterId, ng.slots))
    : [shardOf('0001', g.memberClusters, g.primaryClusterId)];
  const any = snapshotting ?? members[0];
  return {
    replicationGroupId: g.id,
    replicationGroupDescription: g.description,
    // Cluster mode disabled: the member the snapshot is taken from, as ElastiCache shows it.
    ...(!g.clusterEnabled && snapshotting ? {
      cacheClusterId: snapshotting.id, cacheClusterCreateTime: snapshotting.createdAt,
      preferredAvailabilityZone: snapshotting.preferredAvailabilityZone, numCacheNodes: snapshotting.nodes.length,
    } : {}),
    cacheNodeType: g.cacheNodeType,
    engine: 'redis',
    engineVersion: any ? engineVersionOf(any) : g.engineVersion,
    preferredMaintenanceWindow: g.preferredMaintenanceWindow,
    ...(g.notificationTopicArn ? { topicArn: g.notificationTopicArn } : {}),
    port: g.port,
    cacheParameterGroupName: g.cacheParameterGroupName,
    cacheSubnetGroupName: g.cacheSubnetGroupName,
    vpcId: await vpcOf(svc, g.cacheSubnetGroupName),
    autoMinorVersionUpgrade: g.autoMinorVersionUpgrade,
    snapshotRetentionLimit: g.snapshotRetentionLimit,
    snapshotWindow: g.snapshotWindow,
    clusterEnabled: g.clusterEnabled ?? false,
    numNodeGroups: shards.length,
    automaticFailover: g.automaticFailoverEnabled ? 'enabled' : 'disabled',
    atRestEncryptionEnabled: g.atRestEncryptionEnabled,
    shards,
  };
}

export async function clusterSourceConfig(svc: Services, c: CacheClusterRecord): Promise<SnapshotSourceConfig> {
  return {
    cacheClusterId: c.id,
    cacheClusterCreateTime: c.createdAt,
    preferredAvailabilityZone: c.preferredAvailabilityZone,
    numCacheNodes: c.nodes.length,
    cacheNodeType: c.cacheNodeType,
    engine: 'redis',
    engineVersion: engineVersionOf(c),
    preferredMaintenanceWindow: c.preferredMaintenanceWindow,
    ...(c.notificationTopicArn ? { topicArn: c.notificationTopicArn } : {}),
    port: c.port,
    cacheParameterGroupName: c.cacheParameterGroupName,
    cacheSubnetGroupName: c.cacheSubnetGroupName,
    vpcId: await vpcOf(svc, c.cacheSubnetGroupName),
    autoMinorVersionUpgrade: c.autoMinorVersionUpgrade,
    snapshotRetentionLimit: c.snapshotRetentionLimit,
    snapshotWindow: c.snapshotWindow,
    clusterEnabled: false,
    atRestEncryptionEnabled: c.atRestEncryptionEnabled,
    shards: [{ id: '0001', replicaCount: 0, primaryAvailabilityZone: c.preferredAvailabilityZone, replicaAvailabilityZones: [] }],
  };
}

/** A new snapshot's spec; `uid` makes its object keys its own. */
export function newSnapshotSpec(svc: Pick<Services, 'installation' | 'now'>, o: {
  name: string; source: 'manual' | 'automated'; config: SnapshotSourceConfig; origin: SnapshotOrigin; kmsKey?: KmsKeyRecord; final?: boolean;
}): SnapshotSpec {
  return {
    name: o.name,
    arn: arn(svc.installation, 'snapshot', o.name),
    uid: randomBytes(6).toString('hex'),
    source: o.source,
    createdAt: svc.now().toISOString(),
    config: o.config,
    ...(o.kmsKey ? { kmsKey: o.kmsKey } : {}),
    origin: o.origin,
    ...(o.final ? { final: true } : {}),
  };
}
