import type { NodeGroupMember, ReplicationGroup } from '../model/shapes.js';
import type { CacheClusterRecord, ReplicationGroupRecord } from '../../store/index.js';

/** The role a member plays: what was observed on its node, else what it is meant to be. */
export function memberRole(g: ReplicationGroupRecord, c: CacheClusterRecord): 'primary' | 'replica' {
  return c.nodes[0]?.observed?.role ?? (c.id === g.primaryClusterId ? 'primary' : 'replica');
}

export function presentReplicationGroup(g: ReplicationGroupRecord, clusters: CacheClusterRecord[]): ReplicationGroup {
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const members = g.memberClusters.map((id) => byId.get(id)).filter((c): c is CacheClusterRecord => !!c);
  const nodeGroupMembers: NodeGroupMember[] = members.map((c) => ({
    CacheClusterId: c.id,
    CacheNodeId: c.nodes[0]?.id ?? '0001',
    ReadEndpoint: c.nodes[0] ? { Address: c.nodes[0].address, Port: c.nodes[0].port } : undefined,
    PreferredAvailabilityZone: c.preferredAvailabilityZone,
    CurrentRole: memberRole(g, c),
  }));
  const pending = {
    ...(g.pending.automaticFailoverStatus ? { AutomaticFailoverStatus: g.pending.automaticFailoverStatus } : {}),
  };
  const failover = g.automaticFailoverEnabled ? 'enabled' : 'disabled';
  return {
    ReplicationGroupId: g.id,
    Description: g.description,
    Status: g.status,
    PendingModifiedValues: pending,
    MemberClusters: g.memberClusters,
    NodeGroups: [{
      NodeGroupId: '0001',
      Status: g.status === 'available' ? 'available' : g.status,
      PrimaryEndpoint: { Address: g.primaryEndpoint.address, Port: g.primaryEndpoint.port },
      ReaderEndpoint: { Address: g.readerEndpoint.address, Port: g.readerEndpoint.port },
      NodeGroupMembers: nodeGroupMembers,
    }],
    AutomaticFailover: failover,
    MultiAZ: g.multiAZEnabled ? 'enabled' : 'disabled',
    SnapshotRetentionLimit: g.snapshotRetentionLimit,
    SnapshotWindow: g.snapshotWindow,
    ClusterEnabled: false,
    CacheNodeType: g.cacheNodeType,
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: g.transitEncryptionEnabled,
    AtRestEncryptionEnabled: g.atRestEncryptionEnabled,
    ARN: g.arn,
    LogDeliveryConfigurations: [],
    ReplicationGroupCreateTime: g.createdAt,
    DataTiering: 'disabled',
    AutoMinorVersionUpgrade: g.autoMinorVersionUpgrade,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
    ClusterMode: 'disabled',
    Engine: g.engine,
  };
}
