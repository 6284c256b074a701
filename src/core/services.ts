import type { InstalledEngine } from '../catalog/engines.js';
import type { EventSink } from '../events/sink.js';
import type { InstallationRecord, MergedViews, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { BackupAccess } from './backups.js';
import type { ServiceConfig } from './config.js';

/** What API handlers and controllers share: the store, the event sink, the engines, the clock. */
export interface Services {
  readonly config: ServiceConfig;
  readonly store: StateStore;
  /**
   * Groups and clusters as the reconciler's passes read them, kept in memory between commits
   * (store/view-cache.ts): describes page from them instead of reading and merging each page's
   * records again. As fresh as the store (every commit marks what it wrote). Absent: read the store.
   */
  readonly views?: MergedViews;
  readonly events: EventSink;
  readonly engines: InstalledEngine[];
  readonly installation: InstallationRecord;
  readonly logger: Logger;
  /** Encryption keys and user buckets, for the snapshot actions and restores. */
  readonly backups: BackupAccess;
  /** CloudWatch Logs as log delivery sees it; absent (tests without a Logs store): deliveries are refused. */
  readonly logDelivery?: LogDeliveryAccess;
  now(): Date;
  /** Wakes the reconciler: desired state changed. */
  kick(): void;
}

/** What ElastiCache's LogDeliveryConfigurations need of CloudWatch Logs (src/logs implements it). */
export interface LogDeliveryAccess {
  logGroupExists(name: string): boolean;
  /** What the delivery controller last observed for one cluster's log type (undefined: not delivered yet). */
  observed(cacheClusterId: string, logType: string): { configKey: string; status: 'active' | 'error'; message?: string } | undefined;
}
