import type { NodeGroupConfiguration, NodeSnapshot, Snapshot } from '../model/shapes.js';
import type { NodeSnapshotRecord, SnapshotRecord, SnapshotShardConfig } from '../../store/index.js';

/** CacheSize as ElastiCache shows it: the RDB's size in whole megabytes. */
export function cacheSize(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

function nodeGroupConfiguration(shard: SnapshotShardConfig): NodeGroupConfiguration {
  return {
    NodeGroupId: shard.id,
    ...(shard.slots ? { Slots: shard.slots } : {}),
    ReplicaCount: shard.replicaCount,
    ...(shard.primaryAvailabilityZone ? { PrimaryAvailabilityZone: shard.primaryAvailabilityZone } : {}),
    ReplicaAvailabilityZones: [...shard.replicaAvailabilityZones],
  };
}

/**
 * NodeSnapshots: one per shard of a cluster-mode-enabled source, else the one node the snapshot was
 * taken from; a shard not written yet (the snapshot is being created) shows without CacheSize.
 */
function nodeSnapshots(s: SnapshotRecord, showConfig: boolean): NodeSnapshot[] {
  const done = new Map<string, NodeSnapshotRecord>(s.work.nodeSnapshots.map((n) => [n.nodeGroupId, n]));
  return s.config.shards.map((shard): NodeSnapshot => {
    const n = done.get(shard.id);
    const cluster = s.config.clusterEnabled ? undefined : n?.cacheClusterId ?? s.config.cacheClusterId;
    return {
      ...(s.config.clusterEnabled ? { NodeGroupId: shard.id } : {}),
      ...(cluster ? { CacheClusterId: cluster, CacheNodeId: n?.cacheNodeId ?? '0001' } : {}),
      ...(showConfig ? { NodeGroupConfiguration: nodeGroupConfiguration(shard) } : {}),
      ...(n ? { CacheSize: cacheSize(n.rdbBytes), SnapshotCreateTime: n.snapshotCreateTime } : {}),
      ...(!s.config.clusterEnabled && (n?.cacheNodeCreateTime ?? s.config.cacheClusterCreateTime)
        ? { CacheNodeCreateTime: n?.cacheNodeCreateTime ?? s.config.cacheClusterCreateTime } : {}),
    };
  });
}

/** A snapshot as DescribeSnapshots (and the snapshot actions) show it. */
export function presentSnapshot(s: SnapshotRecord, showNodeGroupConfig = false): Snapshot {
  const c = s.config;
  return {
    SnapshotName: s.name,
    ...(c.replicationGroupId ? { ReplicationGroupId: c.replicationGroupId, ReplicationGroupDescription: c.replicationGroupDescription ?? '' } : {}),
    ...(c.cacheClusterId ? { CacheClusterId: c.cacheClusterId } : {}),
    SnapshotStatus: s.status,
    SnapshotSource: s.source,
    CacheNodeType: c.cacheNodeType,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    ...(c.numCacheNodes !== undefined ? { NumCacheNodes: c.numCacheNodes } : {}),
    ...(c.preferredAvailabilityZone ? { PreferredAvailabilityZone: c.preferredAvailabilityZone } : {}),
    ...(c.cacheClusterCreateTime ? { CacheClusterCreateTime: c.cacheClusterCreateTime } : {}),
    PreferredMaintenanceWindow: c.preferredMaintenanceWindow,
    ...(c.topicArn ? { TopicArn: c.topicArn } : {}),
    Port: c.port,
    CacheParameterGroupName: c.cacheParameterGroupName,
    CacheSubnetGroupName: c.cacheSubnetGroupName,
    VpcId: c.vpcId,
    AutoMinorVersionUpgrade: c.autoMinorVersionUpgrade,
    SnapshotRetentionLimit: c.snapshotRetentionLimit,
    SnapshotWindow: c.snapshotWindow,
    ...(c.numNodeGroups !== undefined ? { NumNodeGroups: c.numNodeGroups } : {}),
    ...(c.automaticFailover ? { AutomaticFailover: c.automaticFailover } : {}),
    NodeSnapshots: nodeSnapshots(s, showNodeGroupConfig),
    ...(s.kmsKey ? { KmsKeyId: s.kmsKey.arn } : {}),
    ARN: s.arn,
    DataTiering: 'disabled',
  };
}
