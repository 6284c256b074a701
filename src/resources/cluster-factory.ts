import { mergeCluster, type CacheClusterRecord, type CacheSettings } from '../store/index.js';
import { cacheNodeId } from './naming.js';

/** A new Redis cache cluster record (one node), in status `creating`. */
export function newCacheCluster(args: {
  id: string;
  arn: string;
  settings: CacheSettings;
  engineVersionInstalled: string;
  availabilityZone: string;
  nodeAddress: string;
  replicationGroupId?: string;
  now: Date;
}): CacheClusterRecord {
  const createdAt = args.now.toISOString();
  return mergeCluster({
    ...args.settings,
    id: args.id,
    arn: args.arn,
    createdAt,
    ...(args.replicationGroupId ? { replicationGroupId: args.replicationGroupId } : {}),
    engineVersionInstalled: args.engineVersionInstalled,
    preferredAvailabilityZone: args.availabilityZone,
    nodes: [{
      id: cacheNodeId(0),
      address: args.nodeAddress,
      port: args.settings.port,
      availabilityZone: args.availabilityZone,
      createdAt,
    }],
    pending: {},
  }, undefined);
}

/** Just the settings of a record (a cluster or group), to create a sibling with the same settings. */
export function settingsOf(r: CacheSettings): CacheSettings {
  return {
    engine: r.engine, engineVersion: r.engineVersion, cacheNodeType: r.cacheNodeType, cacheParameterGroupName: r.cacheParameterGroupName,
    cacheSubnetGroupName: r.cacheSubnetGroupName, port: r.port, securityGroupIds: [...r.securityGroupIds],
    preferredMaintenanceWindow: r.preferredMaintenanceWindow, snapshotRetentionLimit: r.snapshotRetentionLimit, snapshotWindow: r.snapshotWindow,
    ...(r.notificationTopicArn ? { notificationTopicArn: r.notificationTopicArn } : {}),
    autoMinorVersionUpgrade: r.autoMinorVersionUpgrade, transitEncryptionEnabled: r.transitEncryptionEnabled,
    ...(r.transitEncryptionMode ? { transitEncryptionMode: r.transitEncryptionMode } : {}),
    ...(r.auth ? { auth: structuredClone(r.auth) } : {}),
    atRestEncryptionEnabled: r.atRestEncryptionEnabled,
    ...(r.kmsKey ? { kmsKey: { ...r.kmsKey } } : {}),
  };
}

/** The security settings a replica takes from its group (TLS in transit, AUTH token state). */
export function securitySettingsOf(r: CacheSettings): Pick<CacheSettings, 'transitEncryptionEnabled' | 'transitEncryptionMode' | 'auth'> {
  return {
    transitEncryptionEnabled: r.transitEncryptionEnabled,
    ...(r.transitEncryptionMode ? { transitEncryptionMode: r.transitEncryptionMode } : {}),
    ...(r.auth ? { auth: structuredClone(r.auth) } : {}),
  };
}
