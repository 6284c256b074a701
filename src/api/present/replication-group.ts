import type { NodeGroup, NodeGroupMember, ReplicationGroup } from '../model/shapes.js';
import type { CacheClusterRecord, ReplicationGroupRecord } from '../../store/index.js';
import { presentLogDelivery, type ObservedDelivery } from './log-delivery.js';
import { authTokenStatus, presentSecurity, transitPending } from './security.js';

/**
 * The member's role: as observed while its node answers; otherwise the role the service gives it
 * (a primary that stopped answering and was failed over away from keeps its last observed role in
 * the record, and must not show as a second primary).
 */
export function memberRole(g: ReplicationGroupRecord, c: CacheClusterRecord): 'primary' | 'replica' {
  const o = c.nodes[0]?.observed;
  if (o?.role && o.lastError === undefined) return o.role;
  return c.id === g.primaryClusterId ? 'primary' : 'replica';
}

function nodeGroupMembers(g: ReplicationGroupRecord, members: CacheClusterRecord[]): NodeGroupMember[] {
  return members.map((c) => ({
    CacheClusterId: c.id,
    CacheNodeId: c.nodes[0]?.id ?? '0001',
    ReadEndpoint: c.nodes[0] ? { Address: c.nodes[0].address, Port: c.nodes[0].port } : undefined,
    PreferredAvailabilityZone: c.preferredAvailabilityZone,
    CurrentRole: memberRole(g, c),
  }));
}

/** Cluster mode enabled: one NodeGroup per shard with its slots; no primary or reader endpoint. */
function shardedNodeGroups(g: ReplicationGroupRecord, byId: Map<string, CacheClusterRecord>): NodeGroup[] {
  return (g.nodeGroups ?? []).map((ng) => {
    const members = ng.memberClusters.map((id) => byId.get(id)).filter((c): c is CacheClusterRecord => !!c);
    const ready = members.every((c) => c.status === 'available');
    return {
      NodeGroupId: ng.id,
      Status: g.status === 'creating' || !ready ? g.status : 'available',
      Slots: ng.slots,
      NodeGroupMembers: members.map((c) => ({
        CacheClusterId: c.id,
        CacheNodeId: c.nodes[0]?.id ?? '0001',
        PreferredAvailabilityZone: c.preferredAvailabilityZone,
        // ElastiCache shows no per-node endpoint for cluster mode members here (clients discover them).
      })),
    };
  });
}

/** `observed`: the log delivery controller's observations (describe calls); without, deliveries show as enabling. */
export function presentReplicationGroup(g: ReplicationGroupRecord, clusters: CacheClusterRecord[], observed?: ObservedDelivery): ReplicationGroup {
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const members = g.memberClusters.map((id) => byId.get(id)).filter((c): c is CacheClusterRecord => !!c);
  const r = g.resharding;
  const logs = presentLogDelivery(g.logDelivery, g.memberClusters, observed);
  const pending = {
    ...(g.pending.automaticFailoverStatus ? { AutomaticFailoverStatus: g.pending.automaticFailoverStatus } : {}),
    ...(r ? { Resharding: { SlotMigration: { ProgressPercentage: r.totalSlots ? Math.floor((100 * r.movedSlots) / r.totalSlots) : 100 } } } : {}),
    ...authTokenStatus(g.auth, members),
    ...transitPending(g, members),
    ...(g.pending.userGroups
      ? { UserGroups: { UserGroupIdsToAdd: [...g.pending.userGroups.add], UserGroupIdsToRemove: [...g.pending.userGroups.remove] } } : {}),
    ...(logs.pending.length ? { LogDeliveryConfigurations: logs.pending } : {}),
  };
  // RBAC: the user groups in force; while a change is pending, those of before it (as ElastiCache shows them).
  const ug = g.pending.userGroups;
  const userGroupIds = ug ? [...(g.userGroupIds ?? []).filter((id) => !ug.add.includes(id)), ...ug.remove] : (g.userGroupIds ?? []);
  const failover = g.automaticFailoverEnabled ? 'enabled' : 'disabled';
  return {
    ReplicationGroupId: g.id,
    Description: g.description,
    Status: g.status,
    PendingModifiedValues: pending,
    MemberClusters: g.memberClusters,
    NodeGroups: g.clusterEnabled ? shardedNodeGroups(g, byId) : [{
      NodeGroupId: '0001',
      Status: g.status === 'available' ? 'available' : g.status,
      PrimaryEndpoint: { Address: g.primaryEndpoint.address, Port: g.primaryEndpoint.port },
      ReaderEndpoint: { Address: g.readerEndpoint.address, Port: g.readerEndpoint.port },
      NodeGroupMembers: nodeGroupMembers(g, members),
    }],
    ...(g.clusterEnabled && g.configurationEndpoint
      ? { ConfigurationEndpoint: { Address: g.configurationEndpoint.address, Port: g.configurationEndpoint.port } } : {}),
    AutomaticFailover: failover,
    MultiAZ: g.multiAZEnabled ? 'enabled' : 'disabled',
    ...(g.snapshottingClusterId && !g.clusterEnabled ? { SnapshottingClusterId: g.snapshottingClusterId } : {}),
    SnapshotRetentionLimit: g.snapshotRetentionLimit,
    SnapshotWindow: g.snapshotWindow,
    ClusterEnabled: g.clusterEnabled ?? false,
    CacheNodeType: g.cacheNodeType,
    ...presentSecurity(g),
    AtRestEncryptionEnabled: g.atRestEncryptionEnabled,
    ...(g.atRestEncryptionEnabled && g.kmsKey ? { KmsKeyId: g.kmsKey.arn } : {}),
    ARN: g.arn,
    LogDeliveryConfigurations: logs.configurations,
    ReplicationGroupCreateTime: g.createdAt,
    DataTiering: 'disabled',
    AutoMinorVersionUpgrade: g.autoMinorVersionUpgrade,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    ClusterMode: g.clusterEnabled ? 'enabled' : 'disabled',
    Engine: g.engine,
    ...(userGroupIds.length ? { UserGroupIds: userGroupIds } : {}),
  };
}
