/**
 * Serverless caches' rules (issue 14): names, CacheUsageLimits, the fixed engine, the quota, and
 * how a cache's hidden backing replication group is named and recognised.
 *
 * The backing group. A serverless cache keeps its data in an ordinary cluster-mode replication
 * group, run by the same reconciler, failover and resharding machinery as a customer's, so
 * nothing of that machinery knows serverless exists. The least invasive way the store allows to
 * hide it is by its id: `serverless--<cache name>`. No customer id can take that form (ElastiCache
 * ids never contain two hyphens in a row, see naming.ts), so the id alone tells, everywhere
 * (lookups, describes, events, user-group attachments, the node-level overlay of the engine's fixed
 * configuration), that a group or cluster belongs to a serverless cache, without a new field on
 * every record or a second kind of group. Its member clusters (`serverless--<name>-0001-001`) carry
 * the same prefix.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CommonErrors, fault } from '../errors/index.js';
import type { Services } from '../core/index.js';
import type { CacheUsageLimitsRecord, WriteOp } from '../store/index.js';
import { parseSnapshotWindow } from './windows.js';
import { identifierProblem } from './naming.js';

/** The prefix of backing groups' (and their members') ids. */
export const BACKING_PREFIX = 'serverless--';

/** The node type the service runs backing shards on (maxclients 65000, as ElastiCache Serverless documents). */
export const BACKING_NODE_TYPE = 'cache.m7g.large';

/** ElastiCache Serverless's endpoint ports: primaries on 6379, replicas (reads) on 6380. */
export const SERVERLESS_PORT = 6379;
export const SERVERLESS_READER_PORT = 6380;

/** The engine configuration ElastiCache Serverless fixes (no parameter groups). */
export const SERVERLESS_PARAMETERS: Readonly<Record<string, string>> = {
  'maxmemory-policy': 'volatile-lru',
  maxclients: '65000',
};

/** ElastiCache Serverless refuses commands with more arguments. */
export const SERVERLESS_MAX_ARGUMENTS = 3999;

/** AWS's limits of CacheUsageLimits: ECPUPerSecond 1,000–15,000,000; DataStorage 1–5,000 GB. */
export const ECPU_MIN = 1_000;
export const ECPU_MAX = 15_000_000;
export const DATA_GB_MIN = 1;
export const DATA_GB_MAX = 5_000;

export function backingGroupId(cacheName: string): string {
  return `${BACKING_PREFIX}${cacheName}`;
}

/** Whether a replication group or cache cluster id belongs to a serverless cache's backing group. */
export function isServerlessBacking(id: string): boolean {
  return id.startsWith(BACKING_PREFIX);
}

/** The serverless cache a backing group (or member cluster) id belongs to. */
export function serverlessCacheOf(backingId: string): string | undefined {
  if (!isServerlessBacking(backingId)) return undefined;
  const rest = backingId.slice(BACKING_PREFIX.length);
  // A member cluster: `<name>-0001-001`.
  return rest.replace(/-\d{4}-\d{3}$/, '');
}

/**
 * ServerlessCacheName: 1–40 letters, digits and hyphens, beginning with a letter, not ending with
 * a hyphen nor containing two in a row; stored lowercase (as ElastiCache stores it).
 */
export function normalizeServerlessCacheName(value: string | undefined): string {
  const name = (value ?? '').toLowerCase();
  const problem = identifierProblem(name);
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ServerlessCacheName '${value ?? ''}': it ${problem}.`);
  return name;
}

/** Engine redis, MajorEngineVersion 7 (the engine the nodes run). */
export function checkServerlessEngine(engine: string | undefined, major: string | undefined, required: boolean): void {
  if (engine === undefined) {
    if (required) throw CommonErrors.invalidParameterValue('The parameter Engine must be provided.');
  } else if (engine.toLowerCase() !== 'redis') {
    throw CommonErrors.invalidParameterValue(`Engine '${engine}' is not available for serverless caches: cachefleet runs redis only.`);
  }
  if (major !== undefined && major !== '7') {
    throw CommonErrors.invalidParameterValue(`MajorEngineVersion '${major}' is not available for redis serverless caches; use 7.`);
  }
}

/** The API's CacheUsageLimits, checked against AWS's limits and recorded. */
export function resolveUsageLimits(input: {
  DataStorage?: { Maximum?: number; Minimum?: number; Unit?: string };
  ECPUPerSecond?: { Maximum?: number; Minimum?: number };
} | undefined): CacheUsageLimitsRecord | undefined {
  if (!input) return undefined;
  const out: CacheUsageLimitsRecord = {};
  const ds = input.DataStorage;
  if (ds) {
    if (ds.Unit === undefined) throw CommonErrors.invalidParameterValue('CacheUsageLimits.DataStorage.Unit must be provided (GB).');
    if (ds.Unit !== 'GB') throw CommonErrors.invalidParameterValue(`Invalid CacheUsageLimits.DataStorage.Unit '${ds.Unit}': it must be GB.`);
    if (ds.Maximum === undefined && ds.Minimum === undefined) {
      throw CommonErrors.invalidParameterValue('CacheUsageLimits.DataStorage needs a Maximum or a Minimum.');
    }
    for (const [k, v] of [['Maximum', ds.Maximum], ['Minimum', ds.Minimum]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < DATA_GB_MIN || v > DATA_GB_MAX)) {
        throw CommonErrors.invalidParameterValue(`Invalid CacheUsageLimits.DataStorage.${k} ${v}: it must be a whole number of GB between ${DATA_GB_MIN} and ${DATA_GB_MAX}.`);
      }
    }
    if (ds.Maximum !== undefined && ds.Minimum !== undefined && ds.Minimum > ds.Maximum) {
      throw CommonErrors.invalidParameterCombination(`CacheUsageLimits.DataStorage.Minimum (${ds.Minimum}) must not exceed its Maximum (${ds.Maximum}).`);
    }
    out.dataStorage = { unit: 'GB', ...(ds.Maximum !== undefined ? { maximum: ds.Maximum } : {}), ...(ds.Minimum !== undefined ? { minimum: ds.Minimum } : {}) };
  }
  const e = input.ECPUPerSecond;
  if (e) {
    if (e.Maximum === undefined && e.Minimum === undefined) {
      throw CommonErrors.invalidParameterValue('CacheUsageLimits.ECPUPerSecond needs a Maximum or a Minimum.');
    }
    for (const [k, v] of [['Maximum', e.Maximum], ['Minimum', e.Minimum]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < ECPU_MIN || v > ECPU_MAX)) {
        throw CommonErrors.invalidParameterValue(`Invalid CacheUsageLimits.ECPUPerSecond.${k} ${v}: it must be between 1,000 and 15,000,000.`);
      }
    }
    if (e.Maximum !== undefined && e.Minimum !== undefined && e.Minimum > e.Maximum) {
      throw CommonErrors.invalidParameterCombination(`CacheUsageLimits.ECPUPerSecond.Minimum (${e.Minimum}) must not exceed its Maximum (${e.Maximum}).`);
    }
    out.ecpuPerSecond = { ...(e.Maximum !== undefined ? { maximum: e.Maximum } : {}), ...(e.Minimum !== undefined ? { minimum: e.Minimum } : {}) };
  }
  return out;
}

/** SnapshotRetentionLimit: 0–35 days. */
export function checkRetention(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 35) {
    throw CommonErrors.invalidParameterValue(`Invalid SnapshotRetentionLimit ${value}: it must be between 0 and 35 days.`);
  }
  return value;
}

/** DailySnapshotTime: `HH:MM` UTC, the start of the daily backup hour. */
export function checkDailySnapshotTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
    throw CommonErrors.invalidParameterValue(`Invalid DailySnapshotTime '${value}': it must be HH:MM in UTC (e.g. 04:00).`);
  }
  const [h, m] = value.split(':').map(Number) as [number, number];
  const end = `${String((h + 1) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  parseSnapshotWindow(`${value}-${end}`);
  return value;
}

/** The claim every serverless create rewrites, so two creates counting at once cannot both pass the quota. */
export const SERVERLESS_QUOTA_CLAIM = 'quota:serverless-cache';

/**
 * At most `serverlessCacheQuota` serverless caches (AWS: 40 a region by default). The returned
 * write rewrites the quota claim at the version read before counting (as checkSnapshotQuota).
 */
export async function checkServerlessQuota(svc: Services): Promise<WriteOp> {
  const quota = svc.config.serverlessCacheQuota;
  const guard = await svc.store.get('claim', SERVERLESS_QUOTA_CLAIM);
  const count = (await svc.store.list('serverlessCache')).length;
  if (count + 1 > quota) {
    throw fault('ServerlessCacheQuotaForCustomerExceededFault',
      `The request would exceed the maximum number of serverless caches: this service allows ${quota} and has ${count}.`);
  }
  const doc = { holder: 'serverless-cache:quota' };
  return guard
    ? { op: 'update', kind: 'claim', id: SERVERLESS_QUOTA_CLAIM, doc, expectVersion: guard.version }
    : { op: 'create', kind: 'claim', id: SERVERLESS_QUOTA_CLAIM, doc };
}

/**
 * A SHA-256 no one knows the preimage of: the `default` user of a new backing group's nodes is
 * locked by it until the serverless controller rotates it to the endpoint's own login.
 */
export function lockedTokenSha(seed: string): string {
  return createHash('sha256').update(`locked:${seed}:${randomBytes(32).toString('hex')}`).digest('hex');
}

/**
 * The backing group's backup settings for a cache's SnapshotRetentionLimit and DailySnapshotTime:
 * the hour from DailySnapshotTime as its snapshot window, and a weekly maintenance window twelve
 * hours away from it (a group's two windows must not overlap; a serverless cache has no
 * maintenance window of its own).
 */
export function backingBackupWindows(dailySnapshotTime: string): { snapshotWindow: string; maintenanceWindow: string } {
  const [h, m] = dailySnapshotTime.split(':').map(Number) as [number, number];
  const hhmm = (hour: number) => `${String(hour % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return { snapshotWindow: `${hhmm(h)}-${hhmm(h + 1)}`, maintenanceWindow: `sun:${hhmm(h + 12)}-sun:${hhmm(h + 13)}` };
}
