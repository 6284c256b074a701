import type { EndpointRecord } from './cache-records.js';

/**
 * Serverless caches (issue 14), in two halves as groups are (cache-records.ts): the spec
 * (`serverlessCache`, written by the API) and the status (`serverlessCacheStatus`, written by the
 * serverless controller). The data lives in a backing replication group (cluster mode, hidden
 * from the customer: see resources/serverless.ts) that the spec names; the endpoint is the
 * serverless endpoint engine (src/serverless/proxy) in front of it.
 */

export type ServerlessCacheStatus = 'creating' | 'available' | 'modifying' | 'deleting' | 'create-failed';

/** CacheUsageLimits as given (DataStorage in GB, ECPUPerSecond in ECPUs a second). */
export interface CacheUsageLimitsRecord {
  dataStorage?: { maximum?: number; minimum?: number; unit: 'GB' };
  ecpuPerSecond?: { maximum?: number; minimum?: number };
}

export interface ServerlessCacheSpec {
  name: string;
  arn: string;
  description: string;
  createdAt: string;
  engine: 'redis';
  /** "7", as MajorEngineVersion shows it. */
  majorEngineVersion: string;
  /** The engine version the backing nodes run ("7.0"), as FullEngineVersion shows it. */
  fullEngineVersion: string;
  cacheUsageLimits?: CacheUsageLimitsRecord;
  kmsKeyId?: string;
  securityGroupIds: string[];
  subnetIds: string[];
  /** Clients authenticate as this user group's users; absent: the default user, no AUTH. */
  userGroupId?: string;
  snapshotRetentionLimit: number;
  dailySnapshotTime: string;
  snapshotArnsToRestore?: string[];
  /** The endpoint (port 6379) and reader endpoint (6380): one address from the endpoint range. */
  endpoint: EndpointRecord;
  readerEndpoint: EndpointRecord;
  /** The hidden replication group holding the data. */
  backingGroupId: string;
  /** Bumped by every change the endpoint must follow; `modifying` until the controller observed it. */
  generation: number;
  deleteRequested?: boolean;
  /** The backing group's final snapshot (its hidden name) the deletion waits for; one that fails calls the deletion off. */
  finalSnapshotName?: string;
}

export interface ServerlessCacheStatusRecord {
  name: string;
  observedGeneration: number;
  status: ServerlessCacheStatus;
  /** Why the endpoint does not serve yet (engine missing, not started, backing group not available). */
  waitingFor?: string;
  /** The endpoint engine's pid when last seen. */
  proxyPid?: number;
  failureReason?: string;
}

/** The merged view (spec overlaid with status). */
export interface ServerlessCacheRecord extends ServerlessCacheSpec {
  status: ServerlessCacheStatus;
  observedGeneration: number;
  waitingFor?: string;
  proxyPid?: number;
  failureReason?: string;
}

/** The endpoint's cumulative counters, as a worker reports them and as a cache's totals keep them. */
export interface UsageCounters {
  ecpu: number;
  commands: number;
  readCommands: number;
  writeCommands: number;
  throttledCommands: number;
  bytesIn: number;
  bytesOut: number;
  /** Sums of microseconds from commands' arrival to their replies (for the latency metrics). */
  readLatencyMicrosSum: number;
  writeLatencyMicrosSum: number;
}

/** Counters of one endpoint worker as last summed (to take deltas; a restarted worker starts at 0). */
export interface WorkerUsageMark extends UsageCounters {
  pid: number;
  startedAt: string;
}

/**
 * A serverless cache's metered usage, kept in the store so it survives restarts of the control
 * plane and of the endpoint's workers: totals of the workers' counters (summed as deltas) and the
 * running integral of the data stored (BytesUsedForCache sampled from the backing primaries).
 */
export interface ServerlessUsageRecord extends UsageCounters {
  name: string;
  since: string;
  /** GB-hours of data stored (GB = 2^30 bytes, as ElastiCache bills). */
  gbHours: number;
  /** The last sample of the data stored. */
  lastBytes?: number;
  lastSampleAt?: string;
  workers: Record<string, WorkerUsageMark>;
  /**
   * The part of `ecpu` charged for CPU time beyond the commands' size (reconciler/serverless/
   * compute-ecpu.ts), and each backing node's commandstats as last summed (by cache cluster id).
   */
  computeEcpu?: number;
  computeMarks?: Record<string, { runId: string; replica: boolean; commands: Record<string, { calls: number; usec: number }> }>;
  /** The CPU part's ECPUs a second over the last sample period, and when it was sampled. */
  computeRate?: { ecpuPerSecond: number; at: string };
  /** The autoscaler's memory (reconciler/serverless/autoscaler.ts). */
  scaling?: ServerlessScalingRecord;
}

/** What the autoscaler keeps between passes, and its last decision (shown by `cachefleet usage`). */
export interface ServerlessScalingRecord {
  /**
   * The ECPUs by size (the total less computeEcpu) and time of the last evaluation: ECPU/s is the
   * delta to the next, plus the CPU part's rate of the last sample (computeRate).
   */
  ecpuMark?: { ecpu: number; at: string };
  /** Since when both measures have been under the scale-in thresholds. */
  lowSince?: string;
  lastScaledAt?: string;
  lastDecision?: { at: string; from: number; to: number; reason: string };
}
