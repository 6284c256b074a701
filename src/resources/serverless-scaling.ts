/**
 * How many shards a serverless cache's CacheUsageLimits need and allow (issue 14), pure. Shared by
 * CreateServerlessCache and ModifyServerlessCache (the minimums pre-scale) and the autoscaler.
 *
 * - DataStorage.Minimum / ECPUPerSecond.Minimum: enough shards that the minimum stays under the
 *   scale-out thresholds (so a cache at its minimum is not scaled out again at once).
 * - DataStorage.Maximum: the shards that hold it under the memory threshold; more would not let the
 *   cache hold more data (each shard's maxmemory is the maximum split between the shards).
 * - ECPUPerSecond.Maximum: likewise, the shards that serve it under the ECPU threshold.
 */
import type { ServerlessScalingSettings } from '../core/index.js';
import type { CacheUsageLimitsRecord } from '../store/index.js';
import { getNodeType } from '../catalog/node-types.js';
import { BACKING_NODE_TYPE } from './serverless.js';
import { MAX_SHARDS } from './shard-layout.js';

export const GB = 1024 ** 3;

/**
 * The data one backing shard holds at most before DataStorage.Maximum lowers it: the setting, or
 * what a node of the backing type holds with ElastiCache's default reserved-memory-percent (25).
 */
export function shardMemoryBytes(s: ServerlessScalingSettings): number {
  return s.shardMemoryBytes ?? Math.floor(getNodeType(BACKING_NODE_TYPE)!.maxmemoryBytes * 0.75);
}

export interface ShardBounds {
  /** The fewest shards (settings' minimum and what the limits' minimums need). */
  min: number;
  /** The most shards memory use may scale out to. */
  maxForMemory: number;
  /** The most shards ECPU/s may scale out to. */
  maxForEcpu: number;
}

export function shardBounds(s: ServerlessScalingSettings, limits: CacheUsageLimitsRecord | undefined): ShardBounds {
  const perShard = shardMemoryBytes(s) * s.scaleOutMemory;
  const ceiling = Math.max(1, Math.min(s.maxShards, MAX_SHARDS));
  const need = (amount: number | undefined, per: number) => (amount === undefined ? 1 : Math.max(1, Math.ceil(amount / per)));
  const dataMin = limits?.dataStorage?.minimum;
  const ecpuMin = limits?.ecpuPerSecond?.minimum;
  const dataMax = limits?.dataStorage?.maximum;
  const ecpuMax = limits?.ecpuPerSecond?.maximum;
  const min = Math.min(ceiling, Math.max(s.minShards, need(dataMin !== undefined ? dataMin * GB : undefined, perShard), need(ecpuMin, s.scaleOutEcpuPerShard)));
  return {
    min,
    maxForMemory: Math.max(min, Math.min(ceiling, dataMax !== undefined ? need(dataMax * GB, perShard) : ceiling)),
    maxForEcpu: Math.max(min, Math.min(ceiling, ecpuMax !== undefined ? need(ecpuMax, s.scaleOutEcpuPerShard) : ceiling)),
  };
}

/**
 * Each backing shard's maxmemory: the shard's own capacity, or DataStorage.Maximum split evenly
 * between the shards when that is less (the cache's data then stays within the maximum: keys with
 * a TTL are evicted, volatile-lru, and writes past that get OOM, as ElastiCache does).
 */
export function shardMaxmemory(s: ServerlessScalingSettings, limits: CacheUsageLimitsRecord | undefined, shards: number): number {
  const own = shardMemoryBytes(s);
  const max = limits?.dataStorage?.maximum;
  return max === undefined ? own : Math.min(own, Math.floor((max * GB) / Math.max(1, shards)));
}
