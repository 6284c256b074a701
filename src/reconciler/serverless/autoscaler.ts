/**
 * Serverless autoscaling (issue 14, "Scaling by itself, within limits"): a pure decision from one
 * cache's observed load, and the small controller that observes it and records the decision.
 *
 * The decision, in order:
 * 1. Fewer shards than CacheUsageLimits' minimums (or the settings' minimum) need: scale out to
 *    them at once (pre-scaling: no thresholds, no cool-down).
 * 2. Within `scaleOutCooldownMs` of the last scaling: hold.
 * 3. A shard's memory use (used_memory / maxmemory) or the ECPU/s per shard at or over its
 *    scale-out threshold: scale out by as many shards as bring it under, capped by what the limits'
 *    maximums and the settings allow.
 * 4. Both under their scale-in thresholds (and the data fitting in one shard fewer) for
 *    `scaleInCooldownMs`: scale in by one shard.
 */
import type { ServerlessScalingSettings } from '../../core/index.js';
import type { CacheUsageLimitsRecord } from '../../store/index.js';
import { shardBounds } from '../../resources/serverless-scaling.js';

/** One shard primary's memory, as INFO memory reports it. */
export interface ShardMemory {
  used: number;
  max: number;
}

export interface ScalingInput {
  shards: number;
  memory: ShardMemory[];
  /** The cache's ECPUs a second since the last evaluation (undefined: not known yet). */
  ecpuPerSecond: number | undefined;
  limits: CacheUsageLimitsRecord | undefined;
  now: number;
  lowSince?: number;
  lastScaledAt?: number;
}

export interface ScalingDecision {
  /** The shard count to go to (equal to `shards`: hold). */
  to: number;
  reason: string;
  /** The new `lowSince` (undefined: not low). */
  lowSince?: number;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function decideScaling(s: ServerlessScalingSettings, i: ScalingInput): ScalingDecision {
  const bounds = shardBounds(s, i.limits);
  if (i.shards < bounds.min) {
    return { to: bounds.min, reason: `the cache's minimums (CacheUsageLimits, settings) need ${bounds.min} shards` };
  }
  if (i.lastScaledAt !== undefined && i.now - i.lastScaledAt < s.scaleOutCooldownMs) {
    return { to: i.shards, reason: 'cooling down after the last scaling' };
  }
  const memory = i.memory.length ? Math.max(...i.memory.map((m) => (m.max > 0 ? m.used / m.max : 0))) : 0;
  const used = i.memory.reduce((n, m) => n + m.used, 0);
  const perShardMax = i.memory.length ? i.memory.reduce((n, m) => n + m.max, 0) / i.memory.length : 0;
  const ecpu = i.ecpuPerSecond ?? 0;
  const ecpuPerShard = ecpu / i.shards;
  const memoryHigh = memory >= s.scaleOutMemory;
  const ecpuHigh = ecpuPerShard >= s.scaleOutEcpuPerShard;
  if (memoryHigh || ecpuHigh) {
    const forMemory = memoryHigh && perShardMax > 0
      ? Math.min(bounds.maxForMemory, Math.max(i.shards + 1, Math.floor(used / (perShardMax * s.scaleOutMemory)) + 1)) : i.shards;
    const forEcpu = ecpuHigh ? Math.min(bounds.maxForEcpu, Math.max(i.shards + 1, Math.floor(ecpu / s.scaleOutEcpuPerShard) + 1)) : i.shards;
    const why = [
      ...(memoryHigh ? [`memory use ${pct(memory)} of a shard's maxmemory (threshold ${pct(s.scaleOutMemory)})`] : []),
      ...(ecpuHigh ? [`${Math.round(ecpuPerShard)} ECPU/s per shard (threshold ${s.scaleOutEcpuPerShard})`] : []),
    ].join(' and ');
    const to = Math.max(forMemory, forEcpu);
    if (to <= i.shards) return { to: i.shards, reason: `${why}, but ${i.shards} shards is the most its limits and settings allow` };
    return { to, reason: why };
  }
  const fitsInFewer = i.shards > 1 && perShardMax > 0 && used / ((i.shards - 1) * perShardMax) < s.scaleOutMemory;
  const low = memory < s.scaleInMemory && ecpuPerShard < s.scaleInEcpuPerShard;
  if (!low || i.shards <= bounds.min || !fitsInFewer) return { to: i.shards, reason: 'within its thresholds' };
  const lowSince = i.lowSince ?? i.now;
  if (i.now - lowSince < s.scaleInCooldownMs) return { to: i.shards, reason: 'low, waiting out the scale-in cool-down', lowSince };
  return {
    to: i.shards - 1,
    reason: `memory use ${pct(memory)} (under ${pct(s.scaleInMemory)}) and ${Math.round(ecpuPerShard)} ECPU/s per shard (under ${s.scaleInEcpuPerShard}) for ${Math.round((i.now - lowSince) / 1000)} s`,
  };
}
