import type { CacheClusterRecord, CacheSettings } from '../store/index.js';
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
  return {
    ...args.settings,
    id: args.id,
    arn: args.arn,
    status: 'creating',
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
      status: 'creating',
      parameterGroupStatus: 'in-sync',
    }],
    parameterApplyStatus: 'in-sync',
    pending: {},
  };
}
