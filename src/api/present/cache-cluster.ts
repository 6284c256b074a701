import type { CacheCluster, CacheNode } from '../model/shapes.js';
import type { CacheClusterRecord, CacheNodeRecord } from '../../store/index.js';
import { presentLogDelivery, type ObservedDelivery } from './log-delivery.js';
import { authTokenStatus, presentSecurity, transitPending } from './security.js';

function presentNode(c: CacheClusterRecord, n: CacheNodeRecord): CacheNode {
  return {
    CacheNodeId: n.id,
    CacheNodeStatus: n.status,
    CacheNodeCreateTime: n.createdAt,
    Endpoint: { Address: n.address, Port: n.port },
    ParameterGroupStatus: n.parameterGroupStatus,
    CustomerAvailabilityZone: n.availabilityZone,
  };
}

/** The version actually running: observed on the node, else the installed engine chosen at create. */
export function runningEngineVersion(c: CacheClusterRecord): string {
  return c.nodes.find((n) => n.observed?.engineVersion)?.observed?.engineVersion ?? c.engineVersionInstalled;
}

/** `observed`: the log delivery controller's observations (describe calls); without, deliveries show as enabling. */
export function presentCacheCluster(c: CacheClusterRecord, showNodeInfo: boolean, observed?: ObservedDelivery): CacheCluster {
  const logs = presentLogDelivery(c.logDelivery, [c.id], observed);
  const pending = {
    ...(c.pending.cacheNodeType ? { CacheNodeType: c.pending.cacheNodeType } : {}),
    ...(c.pending.engineVersion ? { EngineVersion: c.pending.engineVersion } : {}),
    ...(c.pending.numCacheNodes ? { NumCacheNodes: c.pending.numCacheNodes } : {}),
    ...authTokenStatus(c.auth, [c]),
    ...transitPending(c, [c]),
    ...(logs.pending.length ? { LogDeliveryConfigurations: logs.pending } : {}),
  };
  const toReboot = c.parameterApplyStatus === 'pending-reboot'
    ? c.nodes.filter((n) => n.parameterGroupStatus === 'pending-reboot').map((n) => n.id) : [];
  return {
    CacheClusterId: c.id,
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: c.cacheNodeType,
    Engine: c.engine,
    EngineVersion: runningEngineVersion(c),
    CacheClusterStatus: c.status,
    NumCacheNodes: c.nodes.length,
    PreferredAvailabilityZone: c.preferredAvailabilityZone,
    CacheClusterCreateTime: c.createdAt,
    PreferredMaintenanceWindow: c.preferredMaintenanceWindow,
    PendingModifiedValues: pending,
    ...(c.notificationTopicArn ? { NotificationConfiguration: { TopicArn: c.notificationTopicArn, TopicStatus: c.notificationTopicStatus ?? 'active' } } : {}),
    CacheSecurityGroups: [],
    CacheParameterGroup: {
      CacheParameterGroupName: c.cacheParameterGroupName,
      ParameterApplyStatus: c.parameterApplyStatus,
      CacheNodeIdsToReboot: toReboot,
    },
    CacheSubnetGroupName: c.cacheSubnetGroupName,
    ...(showNodeInfo ? { CacheNodes: c.nodes.map((n) => presentNode(c, n)) } : {}),
    AutoMinorVersionUpgrade: c.autoMinorVersionUpgrade,
    SecurityGroups: c.securityGroupIds.map((id) => ({ SecurityGroupId: id, Status: 'active' })),
    ...(c.replicationGroupId ? { ReplicationGroupId: c.replicationGroupId } : {}),
    SnapshotRetentionLimit: c.snapshotRetentionLimit,
    SnapshotWindow: c.snapshotWindow,
    ...presentSecurity(c),
    AtRestEncryptionEnabled: c.atRestEncryptionEnabled,
    ARN: c.arn,
    ReplicationGroupLogDeliveryEnabled: !!c.replicationGroupId && logs.configurations.length > 0,
    LogDeliveryConfigurations: logs.configurations,
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
  };
}
