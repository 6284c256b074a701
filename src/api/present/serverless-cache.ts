import type { CacheUsageLimits, ServerlessCache, ServerlessCacheSnapshot } from '../model/shapes.js';
import type { CacheUsageLimitsRecord, ServerlessCacheRecord, SnapshotRecord } from '../../store/index.js';
import { serverlessCacheOf } from '../../resources/serverless.js';
import { serverlessSnapshotName } from '../../resources/serverless-snapshots.js';

/** A serverless cache as DescribeServerlessCaches and the other serverless actions show it. */
export function presentServerlessCache(c: ServerlessCacheRecord): ServerlessCache {
  return {
    ServerlessCacheName: c.name,
    ...(c.description ? { Description: c.description } : {}),
    CreateTime: new Date(c.createdAt),
    Status: c.status,
    Engine: c.engine,
    MajorEngineVersion: c.majorEngineVersion,
    FullEngineVersion: c.fullEngineVersion,
    ...(c.cacheUsageLimits ? { CacheUsageLimits: presentUsageLimits(c.cacheUsageLimits) } : {}),
    ...(c.kmsKeyId ? { KmsKeyId: c.kmsKeyId } : {}),
    SecurityGroupIds: [...c.securityGroupIds],
    // ElastiCache shows the endpoints once the cache has them; here the address is fixed at creation.
    Endpoint: { Address: c.endpoint.address, Port: c.endpoint.port },
    ReaderEndpoint: { Address: c.readerEndpoint.address, Port: c.readerEndpoint.port },
    ARN: c.arn,
    ...(c.userGroupId ? { UserGroupId: c.userGroupId } : {}),
    SubnetIds: [...c.subnetIds],
    SnapshotRetentionLimit: c.snapshotRetentionLimit,
    DailySnapshotTime: c.dailySnapshotTime,
  };
}

function presentUsageLimits(l: CacheUsageLimitsRecord): CacheUsageLimits {
  return {
    ...(l.dataStorage ? {
      DataStorage: {
        ...(l.dataStorage.maximum !== undefined ? { Maximum: l.dataStorage.maximum } : {}),
        ...(l.dataStorage.minimum !== undefined ? { Minimum: l.dataStorage.minimum } : {}),
        Unit: l.dataStorage.unit,
      },
    } : {}),
    ...(l.ecpuPerSecond ? {
      ECPUPerSecond: {
        ...(l.ecpuPerSecond.maximum !== undefined ? { Maximum: l.ecpuPerSecond.maximum } : {}),
        ...(l.ecpuPerSecond.minimum !== undefined ? { Minimum: l.ecpuPerSecond.minimum } : {}),
      },
    } : {}),
  };
}

/** A serverless cache snapshot (a hidden snapshot of the backing group, resources/serverless-snapshots.ts). */
export function presentServerlessSnapshot(s: SnapshotRecord, arn: string): ServerlessCacheSnapshot {
  const bytes = s.work.nodeSnapshots.reduce((n, x) => n + x.rdbBytes, 0);
  const cache = s.config.replicationGroupId ? serverlessCacheOf(s.config.replicationGroupId) : undefined;
  return {
    ServerlessCacheSnapshotName: serverlessSnapshotName(s.name),
    ARN: arn,
    ...(s.kmsKey ? { KmsKeyId: s.kmsKey.arn } : {}),
    SnapshotType: s.source === 'automated' ? 'automatic' : 'manual',
    Status: s.status,
    CreateTime: new Date(s.createdAt),
    ...(s.work.status === 'available' ? { BytesUsedForCache: String(bytes) } : {}),
    ServerlessCacheConfiguration: { ...(cache ? { ServerlessCacheName: cache } : {}), Engine: 'redis', MajorEngineVersion: s.config.engineVersion.split('.')[0]! },
  };
}
