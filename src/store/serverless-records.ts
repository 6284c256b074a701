import type { EndpointRecord } from './cache-records.js';
import { SplitKind, type View } from './split-kind.js';
import type { StateStore, WriteOp } from './types.js';

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

/** Counters of one endpoint worker as last summed (to take deltas; a restarted worker starts at 0). */
export interface WorkerUsageMark {
  pid: number;
  startedAt: string;
  ecpu: number;
  commands: number;
  readCommands: number;
  writeCommands: number;
  throttledCommands: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * A serverless cache's metered usage, kept in the store so it survives restarts of the control
 * plane and of the endpoint's workers: totals of the workers' counters (summed as deltas) and the
 * running integral of the data stored (BytesUsedForCache sampled from the backing primaries).
 */
export interface ServerlessUsageRecord {
  name: string;
  since: string;
  ecpu: number;
  commands: number;
  readCommands: number;
  writeCommands: number;
  throttledCommands: number;
  bytesIn: number;
  bytesOut: number;
  /** GB-hours of data stored (GB = 2^30 bytes, as ElastiCache bills). */
  gbHours: number;
  /** The last sample of the data stored. */
  lastBytes?: number;
  lastSampleAt?: string;
  workers: Record<string, WorkerUsageMark>;
}

export type ServerlessCacheView = View<ServerlessCacheSpec, ServerlessCacheStatusRecord, ServerlessCacheRecord>;

export function mergeServerlessCache(spec: ServerlessCacheSpec, status: ServerlessCacheStatusRecord | undefined): ServerlessCacheRecord {
  const observedGeneration = status?.observedGeneration ?? 0;
  const observed = status?.status ?? 'creating';
  const state: ServerlessCacheStatus = spec.deleteRequested ? 'deleting'
    : observed === 'create-failed' || observed === 'creating' ? observed
    : spec.generation > observedGeneration ? 'modifying' : observed;
  const { name: _n, status: _s, ...rest } = structuredClone(status ?? { name: spec.name, status: 'creating', observedGeneration: 0 });
  return { ...structuredClone(spec), ...rest, status: state, observedGeneration };
}

const SERVERLESS = new SplitKind('serverlessCache', 'serverlessCacheStatus', mergeServerlessCache);

export async function getServerlessCache(store: Pick<StateStore, 'get'>, name: string): Promise<ServerlessCacheView | undefined> {
  return SERVERLESS.get(store, name);
}

export async function listServerlessCaches(store: Pick<StateStore, 'list'>): Promise<ServerlessCacheView[]> {
  return SERVERLESS.list(store);
}

export function serverlessCacheCreate(spec: ServerlessCacheSpec): WriteOp {
  return SERVERLESS.create(spec.name, spec);
}

/** The spec half written as `spec`, at the version read (API handlers, and the controller's final removal). */
export function serverlessSpecWrite(v: ServerlessCacheView, spec: ServerlessCacheSpec): WriteOp[] {
  return SERVERLESS.specWrite(v, spec);
}

/** The status half written as `status` (the controller only). */
export function serverlessStatusWrite(v: ServerlessCacheView, status: ServerlessCacheStatusRecord): WriteOp[] {
  return SERVERLESS.statusWrite(v, status);
}

export function serverlessCacheRemove(v: ServerlessCacheView): WriteOp[] {
  return SERVERLESS.remove(v);
}

/** The desired half of a merged view. */
export function serverlessSpecOf(r: ServerlessCacheRecord | ServerlessCacheSpec): ServerlessCacheSpec {
  const { status: _s, observedGeneration: _o, waitingFor: _w, proxyPid: _p, failureReason: _f, ...spec } = structuredClone(r) as ServerlessCacheRecord;
  return spec;
}
