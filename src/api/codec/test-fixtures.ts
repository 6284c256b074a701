// Sample outputs shared by the codec tests (not used at runtime).
import type { CacheParameterGroupDetails, ReplicationGroupMessage } from '../model/shapes.js';

const endpoint = (host: string, port = 6379) => ({ Address: host, Port: port });

export function sampleReplicationGroups(count = 1): ReplicationGroupMessage {
  return {
    Marker: count > 1 ? 'next&page' : undefined,
    ReplicationGroups: Array.from({ length: count }, (_, i) => ({
      ReplicationGroupId: `rg-${i}`,
      Description: `group <${i}> & "quotes" 'apos' — ünïcode 🚀\r\nline2`,
      Status: 'available',
      PendingModifiedValues: {
        PrimaryClusterId: `rg-${i}-002`,
        LogDeliveryConfigurations: [{ LogType: 'slow-log', DestinationType: 'cloudwatch-logs', LogFormat: 'json',
          DestinationDetails: { CloudWatchLogsDetails: { LogGroup: 'lg' } } }],
      },
      MemberClusters: [`rg-${i}-001`, `rg-${i}-002`],
      NodeGroups: [{
        NodeGroupId: '0001',
        Status: 'available',
        PrimaryEndpoint: endpoint(`rg-${i}.primary.local`),
        ReaderEndpoint: endpoint(`rg-${i}.reader.local`),
        NodeGroupMembers: [
          { CacheClusterId: `rg-${i}-001`, CacheNodeId: '0001', ReadEndpoint: endpoint('127.0.0.1', 7000 + i), PreferredAvailabilityZone: 'local-a', CurrentRole: 'primary' },
          { CacheClusterId: `rg-${i}-002`, CacheNodeId: '0001', ReadEndpoint: endpoint('127.0.0.1', 8000 + i), PreferredAvailabilityZone: 'local-b', CurrentRole: 'replica' },
        ],
      }],
      AutomaticFailover: 'enabled',
      MultiAZ: 'disabled',
      SnapshotRetentionLimit: 0,
      SnapshotWindow: '05:00-06:00',
      ClusterEnabled: false,
      CacheNodeType: 'cache.t3.micro',
      AuthTokenEnabled: true,
      AuthTokenLastModifiedDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      TransitEncryptionEnabled: false,
      AtRestEncryptionEnabled: false,
      ARN: `arn:aws:elasticache:local:000000000000:replicationgroup:rg-${i}`,
      UserGroupIds: [],
      ReplicationGroupCreateTime: new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 0)),
      DataTiering: 'disabled',
      AutoMinorVersionUpgrade: true,
      NetworkType: 'ipv4',
      IpDiscovery: 'ipv4',
      ClusterMode: 'disabled',
      Engine: 'redis',
    })),
  };
}

export function sampleCacheParameters(): CacheParameterGroupDetails {
  return {
    Marker: 'm1',
    Parameters: [
      { ParameterName: 'maxmemory-policy', ParameterValue: 'volatile-lru', Description: 'Max memory policy.', Source: 'system',
        DataType: 'string', AllowedValues: 'volatile-lru,allkeys-lru,noeviction', IsModifiable: true, MinimumEngineVersion: '2.6.13', ChangeType: 'immediate' },
      { ParameterName: 'notify-keyspace-events', ParameterValue: '', Source: 'user', DataType: 'string', IsModifiable: true, ChangeType: 'immediate' },
    ],
    CacheNodeTypeSpecificParameters: [{
      ParameterName: 'maxmemory', Source: 'system', DataType: 'integer', IsModifiable: false, ChangeType: 'requires-reboot',
      CacheNodeTypeSpecificValues: [{ CacheNodeType: 'cache.t3.micro', Value: '536870912' }, { CacheNodeType: 'cache.m5.large', Value: '6871947673' }],
    }],
  };
}
