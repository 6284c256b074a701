/**
 * `cachefleet restore --to-time`: the CreateReplicationGroup request that seeds a new group from
 * a source group's point-in-time archive, in the source's shape (node type, shards, replicas,
 * parameter group, subnet and security groups, TLS, encryption at rest, backups, user groups)
 * unless overridden. Pure: the describes of the source in, the request out.
 */
import type { CacheCluster, CreateReplicationGroupCommandInput, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { RESTORE_SOURCE_TAG, RESTORE_TIME_TAG } from '../resources/point-in-time.js';

export interface RestoreOverrides {
  cacheNodeType?: string;
  numNodeGroups?: number;
  replicasPerNodeGroup?: number;
  cacheParameterGroupName?: string;
  description?: string;
}

export function restoreRequest(source: ReplicationGroup, member: CacheCluster | undefined, target: string, time: string,
  o: RestoreOverrides = {}): CreateReplicationGroupCommandInput {
  const sharded = source.ClusterEnabled === true;
  const groups = source.NodeGroups ?? [];
  const replicas = o.replicasPerNodeGroup ?? Math.max(0, (groups[0]?.NodeGroupMembers?.length ?? source.MemberClusters?.length ?? 1) - 1);
  const securityGroupIds = (member?.SecurityGroups ?? []).map((s) => s.SecurityGroupId).filter((s): s is string => !!s);
  const port = member?.CacheNodes?.[0]?.Endpoint?.Port ?? source.ConfigurationEndpoint?.Port ?? groups[0]?.PrimaryEndpoint?.Port;
  return {
    ReplicationGroupId: target,
    ReplicationGroupDescription: o.description ?? `Restored from ${source.ReplicationGroupId} at ${time}`,
    Engine: 'redis',
    ...(member?.EngineVersion ? { EngineVersion: member.EngineVersion.split('.').slice(0, 2).join('.') } : {}),
    CacheNodeType: o.cacheNodeType ?? source.CacheNodeType,
    ...(o.cacheParameterGroupName ?? member?.CacheParameterGroup?.CacheParameterGroupName
      ? { CacheParameterGroupName: o.cacheParameterGroupName ?? member!.CacheParameterGroup!.CacheParameterGroupName } : {}),
    ...(member?.CacheSubnetGroupName ? { CacheSubnetGroupName: member.CacheSubnetGroupName } : {}),
    ...(securityGroupIds.length ? { SecurityGroupIds: securityGroupIds } : {}),
    ...(port ? { Port: port } : {}),
    ...(sharded ? { NumNodeGroups: o.numNodeGroups ?? groups.length, ReplicasPerNodeGroup: replicas } : { NumCacheClusters: replicas + 1 }),
    // Cluster mode requires it (as ElastiCache does), with or without replicas.
    AutomaticFailoverEnabled: sharded || (replicas > 0 && source.AutomaticFailover === 'enabled'),
    MultiAZEnabled: replicas > 0 && source.MultiAZ === 'enabled',
    ...(source.TransitEncryptionEnabled ? { TransitEncryptionEnabled: true } : {}),
    ...(source.AtRestEncryptionEnabled ? { AtRestEncryptionEnabled: true, ...(source.KmsKeyId ? { KmsKeyId: source.KmsKeyId } : {}) } : {}),
    ...(source.SnapshotRetentionLimit ? { SnapshotRetentionLimit: source.SnapshotRetentionLimit } : {}),
    ...(source.SnapshotWindow ? { SnapshotWindow: source.SnapshotWindow } : {}),
    ...(source.UserGroupIds?.length ? { UserGroupIds: source.UserGroupIds } : {}),
    Tags: [{ Key: RESTORE_SOURCE_TAG, Value: source.ReplicationGroupId! }, { Key: RESTORE_TIME_TAG, Value: time }],
  };
}
