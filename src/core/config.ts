import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { S3Settings } from '../util/s3-settings.js';

/** Everything the service can be told at start. Every timing is configurable so tests shorten it. */
export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  region: string;
  /** Loopback range endpoint and node addresses are taken from. */
  endpointCidr: string;
  /** 'auto' uses nftables (kernel NAT) when available, else a detached proxy process. */
  routerMode: 'auto' | 'nftables' | 'proxy';
  /** Period of the level-triggered reconcile loop when nothing is changing. */
  reconcileIntervalMs: number;
  /** Period while some resource is converging (creating, modifying, deleting). */
  fastReconcileIntervalMs: number;
  /** A settled cluster with unchanged inputs and healthy nodes is fully observed (INFO) only this often; 0: every pass. */
  settledObserveIntervalMs: number;
  /** Each cluster's nodes are compared with the settings the service manages (CONFIG GET) at most this often; 0: never. */
  driftCheckIntervalMs: number;
  /** How often every CloudWatch alarm is evaluated (besides on the arrival of its data). */
  alarmIntervalMs: number;
  /** How often the nodes' slow and engine logs are read and delivered to CloudWatch Logs (LogDeliveryConfigurations). */
  logDeliveryIntervalMs: number;
  /** Connections authenticated with IAM are closed this long after their login (ElastiCache: 12 hours). */
  iamConnectionMaxMs: number;
  /**
   * Where IAM logins of Redis connections are checked: `node`, by the IAM auth module on the
   * nodes (clients connect to them as for any group), or `gateway`, by the IAM auth gateway in
   * front of the group's addresses (half the throughput; HELLO 3 AUTH with a token works there).
   */
  iamAuthPath: 'node' | 'gateway';
  /**
   * Health monitor: the fast period (liveness of every node's process, pings of suspected and down
   * nodes), the ping period of healthy nodes, the ping timeout, failed checks before a node is down.
   */
  healthIntervalMs: number;
  healthIdleIntervalMs: number;
  healthTimeoutMs: number;
  healthDownAfter: number;
  /** Flap damping: a node that came back from down twice in this period needs more failed pings to be down again. */
  flapWindowMs: number;
  /** A replica whose link stays down this long while its primary is healthy is restarted. */
  stuckLinkMs: number;
  /**
   * How many snapshots (manual and automatic) the installation keeps at most; a CreateSnapshot,
   * CopySnapshot or final snapshot beyond it gets SnapshotQuotaExceededFault.
   */
  snapshotQuota: number;
  /** How many serverless caches the installation may have (AWS: 40 a region); beyond: ServerlessCacheQuotaForCustomerExceededFault. */
  serverlessCacheQuota: number;
  /** The serverless endpoint engine's entry point (a `main.js`); default the one built beside the service. */
  serverlessEngineScript?: string;
  /** Worker processes of each serverless cache's endpoint engine; default {@link defaultEngineWorkers}. */
  serverlessEngineWorkers?: number;
  /** How serverless caches scale by themselves (reconciler/serverless/autoscaler.ts). */
  serverlessScaling: ServerlessScalingSettings;
  /**
   * Automatic daily backups are taken (groups and clusters with SnapshotRetentionLimit > 0, in
   * their window). Off: none is taken (the settings are kept and shown, expired ones still go);
   * for maintenance, and for tests that must not meet a backup in their group's window.
   */
  automaticBackups: boolean;
  /**
   * Point-in-time archives: N, the longest a recorded write waits before its segment is archived
   * (the bound on what a failure of the control plane and the followed node together loses). 10 s.
   */
  pitrFlushMs: number;
  /** The metrics collection period (ElastiCache publishes every 60 s); 1 s at the least. */
  metricsPeriodMs: number;
  /** A listener of its own for GET /metrics (and the terminal views' routes), besides the API's port. */
  metricsPort?: number;
  /** Who may read /metrics besides loopback clients: CIDRs. */
  metricsAllow: string[];
  /** A file holding a bearer token that admits a /metrics scrape from any address. */
  metricsTokenFile?: string;
  /** Host memory the capacity check counts with. */
  hostMemoryBytes: number;
  /** Node maxmemory limits may add up to host memory times this (limits, not reservations). */
  memoryOvercommit: number;
  stopNodesOnExit: boolean;
  /** Extra redis-server binaries to offer as engines, besides the one on PATH. */
  redisServerBinaries: string[];
  logLevel: string;
  /**
   * Development only: API requests signed with any access key and any signature are accepted
   * (unsigned ones still are not). Off by default; the service warns when it is on.
   */
  acceptAnyCredentials: boolean;
  /**
   * The user cache nodes run as when the service runs as root (default `redis`, Debian's); a
   * service running as another user starts them as itself.
   */
  nodeUser?: string;
  /**
   * TLS on the control plane's listeners (the API): off (plain HTTP), or on with a certificate
   * from the service's CA, or with the user's own certificate and key files.
   */
  tls: { enabled: boolean; certFile?: string; keyFile?: string };
  /**
   * Where snapshot files live: absent (the default), the data directory (`snapshots/`, and a
   * bucket is the folder `buckets/<name>/`); present, this S3-compatible service.
   */
  snapshotS3?: SnapshotS3Config;
}

/** An S3-compatible service for snapshot files (`cachefleet server --snapshot-s3-*`). */
export type SnapshotS3Config = S3Settings;

export const DEFAULT_PORT = 4510;

export function defaultConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const cfg: ServiceConfig = {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    dataDir: './data',
    region: 'us-east-1',
    endpointCidr: '127.77.0.0/16',
    routerMode: 'auto',
    reconcileIntervalMs: 2000,
    fastReconcileIntervalMs: 50,
    settledObserveIntervalMs: 10_000,
    driftCheckIntervalMs: 30_000,
    alarmIntervalMs: 10_000,
    logDeliveryIntervalMs: 5000,
    iamConnectionMaxMs: 12 * 3_600_000,
    iamAuthPath: 'node',
    healthIntervalMs: 100,
    healthIdleIntervalMs: 1000,
    healthTimeoutMs: 250,
    healthDownAfter: 3,
    flapWindowMs: 60_000,
    stuckLinkMs: 15_000,
    snapshotQuota: 1000,
    serverlessCacheQuota: 40,
    serverlessScaling: { ...DEFAULT_SERVERLESS_SCALING },
    automaticBackups: true,
    pitrFlushMs: 10_000,
    metricsPeriodMs: 60_000,
    metricsAllow: [],
    hostMemoryBytes: totalmem(),
    // Lets every example of the guides (tens of r6g.large nodes) run on a 16 GiB machine.
    memoryOvercommit: 16,
    stopNodesOnExit: false,
    redisServerBinaries: [],
    logLevel: 'info',
    acceptAnyCredentials: false,
    tls: { enabled: false },
    ...overrides,
  };
  cfg.dataDir = resolve(cfg.dataDir);
  return cfg;
}

/**
 * Serverless autoscaling (issue 14). A cache scales out when a shard's memory use (used_memory of
 * its maxmemory) or the ECPU/s per shard crosses the `scaleOut` threshold, by as many shards as
 * bring it back under; it scales in by one shard when both have stayed under the `scaleIn`
 * thresholds for `scaleInCooldownMs`. One scaling at a time per cache, at least
 * `scaleOutCooldownMs` after the last one started; never outside `minShards`–`maxShards`, never
 * below what CacheUsageLimits' minimums need nor above what their maximums allow.
 */
export interface ServerlessScalingSettings {
  /** Off: caches keep their shard count (CacheUsageLimits' minimums still pre-scale at creation). */
  enabled: boolean;
  minShards: number;
  maxShards: number;
  /** Fractions (0–1) of a shard's maxmemory. */
  scaleOutMemory: number;
  scaleInMemory: number;
  /** ECPUs a second per shard. */
  scaleOutEcpuPerShard: number;
  scaleInEcpuPerShard: number;
  /** The least time between the start of one scaling and the next (a scaling itself always finishes first). */
  scaleOutCooldownMs: number;
  /** How long both measures must stay low before a shard is removed. */
  scaleInCooldownMs: number;
  /** How often each cache is evaluated (ECPU/s is measured over this period). */
  evaluateIntervalMs: number;
  /**
   * The data one shard holds at most (its maxmemory, before DataStorage.Maximum lowers it). Default:
   * the backing node type's maxmemory less ElastiCache's default 25% reserved memory.
   */
  shardMemoryBytes?: number;
}

export const DEFAULT_SERVERLESS_SCALING: ServerlessScalingSettings = {
  enabled: true,
  minShards: 1,
  maxShards: 8,
  scaleOutMemory: 0.75,
  scaleInMemory: 0.3,
  scaleOutEcpuPerShard: 50_000,
  scaleInEcpuPerShard: 10_000,
  scaleOutCooldownMs: 60_000,
  scaleInCooldownMs: 600_000,
  evaluateIntervalMs: 10_000,
};
