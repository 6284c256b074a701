import type { ServerlessScalingSettings, Services } from '../../core/index.js';
import type { MetricStore } from '../../metrics/index.js';
import { availableParallelism } from 'node:os';
import type { ComputeEcpuSettings } from './compute-ecpu.js';

/**
 * Endpoint engine workers per cache when not set: half the machine's cores (the nodes behind the
 * endpoint and, on one machine, the clients need the rest), at least one. Measured on 2 cores
 * (docs/BENCHMARKS.md, "The engine's workers"): one worker serves GET/SET -c 50 about 1.3 times
 * as fast as two, which split the clients' commands into two event loops and fewer batches and
 * compete with the node and the clients for the same two cores.
 */
export function defaultEngineWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** How the service runs serverless caches' endpoints (reconciler/serverless/controller.ts). */
export interface ServerlessOptions {
  /** The data directory (the cache directories are `<dataDir>/serverless/<name>/`). */
  dataDir: string;
  /** The engine's entry point; default dist/src/serverless/proxy/main.js beside this build. */
  mainScript?: string;
  /** Engine worker processes per cache (default {@link defaultEngineWorkers}). */
  workers?: number;
  /** How long an engine may take to exit by itself once proxy.json is gone before it is signalled. Default 5 s. */
  stopGraceMs?: number;
  /** Data storage (BytesUsedForCache) is sampled at most this often for GB-hours. Default 60 s. */
  usageSampleMs?: number;
  /** How CPU time beyond a command's size is metered in ECPUs (compute-ecpu.ts); default DEFAULT_COMPUTE_ECPU. */
  computeEcpu?: ComputeEcpuSettings;
  /** The control plane's own source address (always admitted, as by security groups). */
  managementAddress?: string;
  /** Where the caches' metrics go (AWS/ElastiCache, dimension clusterId), once a sample period. */
  metrics?: Pick<MetricStore, 'put'>;
  /**
   * Autoscaling (autoscaler.ts): the settings, and the services the resharding's desired state is
   * written with (as ModifyReplicationGroupShardConfiguration writes it). Absent: caches keep their
   * shard count.
   */
  scaling?: { settings: ServerlessScalingSettings; svc: Services };
}
