import type { PointInTimeIO } from './pitr/deps.js';
import type { InstalledEngine } from '../catalog/engines.js';
import type { AdminPool } from '../engine/admin.js';
import type { NodeProvider } from '../engine/types.js';
import type { EventSink } from '../events/sink.js';
import type { HealthMonitor } from '../health/monitor.js';
import type { NodeSecurity } from '../security/node-security.js';
import type { CacheClusterRecord, MergedViews, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { EndpointNetwork } from './network.js';
import type { Services } from '../core/index.js';
import type { SnapshotIO } from '../snapshots/io.js';
import type { ServerlessOptions } from './serverless/options.js';

/** What the controllers touch; injected so each can be driven on fakes or real processes. */
export interface ReconcilerDeps {
  store: StateStore;
  provider: NodeProvider;
  admin: AdminPool;
  /** The one owner of endpoint routes and security-group filters (the only user of the router). */
  network: EndpointNetwork;
  events: EventSink;
  engines: InstalledEngine[];
  logger: Logger;
  now(): Date;
  /** The health monitor (absent in tests that drive the reconciler by hand). */
  monitor?: HealthMonitor;
  /**
   * Node security: the admin user the control plane authenticates as, TLS certificates. Absent in
   * tests that drive the reconciler on bare nodes (no admin user, no TLS).
   */
  security?: NodeSecurity;
  /**
   * Groups and clusters (and other kinds) as passes read them, kept between commits (the service's
   * one instance, shared with the network). Absent: the reconciler keeps its own over `store`.
   */
  views?: MergedViews;
  /** The provider key of a cluster's (first) node. */
  nodeKeyOf(c: CacheClusterRecord): string;
  /**
   * Backups (snapshots, restores, automatic backups): the machinery and the services API handlers
   * share. Absent in tests that do not exercise them: then no snapshot work is done.
   */
  backups?: {
    svc: Services;
    io: SnapshotIO;
    /** Point-in-time archives (groups tagged cachefleet:point-in-time-restore): recorded and restored from. */
    pitr?: PointInTimeIO;
    /** See BackupDeps.checkpoint (tests). */
    checkpoint?(step: string): Promise<void>;
    maxAttempts?: number;
  };
  /** Serverless caches' endpoints (absent in tests that do not exercise them: then no serverless work is done). */
  serverless?: ServerlessOptions;
  /** Told each pass's duration (the service's ReconcilePassTime metric); must not throw or block. */
  onPass?(ms: number): void;
}
