import type { CacheUsageLimits, ServerlessCache } from '../model/shapes.js';
import type { CacheUsageLimitsRecord, ServerlessCacheRecord } from '../../store/index.js';

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
