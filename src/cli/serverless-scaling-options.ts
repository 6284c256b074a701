/**
 * `cachefleet server`'s `--serverless-*` scaling options (ServiceConfig.serverlessScaling,
 * reconciler/serverless/autoscaler.ts). Each defaults to DEFAULT_SERVERLESS_SCALING.
 */
import type { Command } from 'commander';
import { DEFAULT_SERVERLESS_SCALING as D, type ServerlessScalingSettings } from '../core/index.js';

export interface ServerlessScalingOptions {
  serverlessScaling: boolean;
  serverlessMinShards: string;
  serverlessMaxShards: string;
  serverlessScaleOutMemoryPercent: string;
  serverlessScaleInMemoryPercent: string;
  serverlessScaleOutEcpu: string;
  serverlessScaleInEcpu: string;
  serverlessScaleOutCooldownMs: string;
  serverlessScaleInCooldownMs: string;
  serverlessScalingIntervalMs: string;
  serverlessShardMemoryMb?: string;
}

export function addServerlessScalingOptions(cmd: Command): Command {
  return cmd
    .option('--no-serverless-scaling', 'serverless caches keep their shard count (CacheUsageLimits minimums still pre-scale at creation)')
    .option('--serverless-min-shards <n>', 'fewest shards of a serverless cache', String(D.minShards))
    .option('--serverless-max-shards <n>', 'most shards a serverless cache scales out to', String(D.maxShards))
    .option('--serverless-scale-out-memory-percent <p>', "scale out when a shard's memory use reaches this percent of its maxmemory", String(D.scaleOutMemory * 100))
    .option('--serverless-scale-in-memory-percent <p>', 'scale in when every shard stays under this percent (and ECPU/s is low)', String(D.scaleInMemory * 100))
    .option('--serverless-scale-out-ecpu <n>', 'scale out when the ECPUs a second per shard reach this', String(D.scaleOutEcpuPerShard))
    .option('--serverless-scale-in-ecpu <n>', 'scale in when the ECPUs a second per shard stay under this (and memory is low)', String(D.scaleInEcpuPerShard))
    .option('--serverless-scale-out-cooldown-ms <ms>', 'least time from one scaling to the next', String(D.scaleOutCooldownMs))
    .option('--serverless-scale-in-cooldown-ms <ms>', 'how long both measures must stay low before a shard is removed', String(D.scaleInCooldownMs))
    .option('--serverless-scaling-interval-ms <ms>', 'how often each serverless cache is evaluated', String(D.evaluateIntervalMs))
    .option('--serverless-shard-memory-mb <mb>', "data one backing shard holds (its maxmemory before DataStorage.Maximum lowers it; default: the backing node type's)");
}

/** The settings the options describe; throws a readable error on a bad value. */
export function serverlessScalingConfig(o: ServerlessScalingOptions): ServerlessScalingSettings {
  const num = (flag: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${flag} must be a number between ${min} and ${max} (got ${v})`);
    return n;
  };
  const s: ServerlessScalingSettings = {
    enabled: o.serverlessScaling,
    minShards: num('serverless-min-shards', o.serverlessMinShards, 1, 500),
    maxShards: num('serverless-max-shards', o.serverlessMaxShards, 1, 500),
    scaleOutMemory: num('serverless-scale-out-memory-percent', o.serverlessScaleOutMemoryPercent, 1, 100) / 100,
    scaleInMemory: num('serverless-scale-in-memory-percent', o.serverlessScaleInMemoryPercent, 0, 100) / 100,
    scaleOutEcpuPerShard: num('serverless-scale-out-ecpu', o.serverlessScaleOutEcpu, 1),
    scaleInEcpuPerShard: num('serverless-scale-in-ecpu', o.serverlessScaleInEcpu, 0),
    scaleOutCooldownMs: num('serverless-scale-out-cooldown-ms', o.serverlessScaleOutCooldownMs, 0),
    scaleInCooldownMs: num('serverless-scale-in-cooldown-ms', o.serverlessScaleInCooldownMs, 0),
    evaluateIntervalMs: num('serverless-scaling-interval-ms', o.serverlessScalingIntervalMs, 0),
    ...(o.serverlessShardMemoryMb !== undefined ? { shardMemoryBytes: num('serverless-shard-memory-mb', o.serverlessShardMemoryMb, 1) * 1024 ** 2 } : {}),
  };
  if (s.minShards > s.maxShards) throw new Error(`--serverless-min-shards (${s.minShards}) must not exceed --serverless-max-shards (${s.maxShards})`);
  if (s.scaleInMemory >= s.scaleOutMemory) throw new Error('--serverless-scale-in-memory-percent must be under --serverless-scale-out-memory-percent');
  if (s.scaleInEcpuPerShard >= s.scaleOutEcpuPerShard) throw new Error('--serverless-scale-in-ecpu must be under --serverless-scale-out-ecpu');
  return s;
}
