import type { InstalledEngine } from '../catalog/engines.js';
import type { EventSink } from '../events/sink.js';
import type { InstallationRecord, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import type { ServiceConfig } from './config.js';

export type ArnResourceType =
  | 'cluster' | 'replicationgroup' | 'parametergroup' | 'subnetgroup' | 'securitygroup'
  | 'snapshot' | 'user' | 'usergroup' | 'reserved-instance' | 'serverlesscache';

/** What API handlers and controllers share: the store, the event sink, the engines, the clock. */
export interface Services {
  readonly config: ServiceConfig;
  readonly store: StateStore;
  readonly events: EventSink;
  readonly engines: InstalledEngine[];
  readonly installation: InstallationRecord;
  readonly logger: Logger;
  now(): Date;
  /** Wakes the reconciler: desired state changed. */
  kick(): void;
}

export function arn(installation: InstallationRecord, type: ArnResourceType, id: string): string {
  return `arn:aws:elasticache:${installation.region}:${installation.accountId}:${type}:${id}`;
}

/** Splits an ElastiCache ARN; undefined when it is not one. */
export function parseArn(value: string): { region: string; accountId: string; type: string; id: string } | undefined {
  const m = /^arn:aws[a-z-]*:elasticache:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(value);
  return m ? { region: m[1]!, accountId: m[2]!, type: m[3]!, id: m[4]! } : undefined;
}
