// A serverless cache's page: its usage limits as lines, and its actions' Query parameters (pure:
// tested without a browser, against the API's own decoder).
import type { Params } from './metric-queries.js';
import type { ServerlessCache, ServerlessCacheSnapshot } from './types.js';

/** CacheUsageLimits as the page lists them: each limit's minimum and maximum, or "no limit". */
export function usageLimitRows(c: ServerlessCache): Array<[string, string]> {
  const range = (min: number | undefined, max: number | undefined, unit: string) =>
    min === undefined && max === undefined ? 'no limit'
      : [min !== undefined ? `at least ${min} ${unit}` : '', max !== undefined ? `at most ${max} ${unit}` : ''].filter(Boolean).join(', ');
  const storage = c.CacheUsageLimits?.DataStorage;
  const ecpu = c.CacheUsageLimits?.ECPUPerSecond;
  return [
    ['Data storage', range(storage?.Minimum, storage?.Maximum, storage?.Unit ?? 'GB')],
    ['ECPU per second', range(ecpu?.Minimum, ecpu?.Maximum, 'ECPU/s')],
  ];
}

export function createServerlessSnapshotParams(cache: string, name: string): Params {
  return { ServerlessCacheName: cache, ServerlessCacheSnapshotName: name.trim() };
}

/** DeleteServerlessCache, with a final snapshot when a name is given. */
export function deleteServerlessParams(cache: string, finalSnapshot: string): Params {
  const p: Params = { ServerlessCacheName: cache };
  if (finalSnapshot.trim()) p.FinalSnapshotName = finalSnapshot.trim();
  return p;
}

/** The snapshots of one cache, newest first (ones being created, with no time yet, on top). */
export function serverlessSnapshotsNewestFirst(list: readonly ServerlessCacheSnapshot[]): ServerlessCacheSnapshot[] {
  const key = (s: ServerlessCacheSnapshot) => (s.CreateTime === undefined ? '9999' : String(s.CreateTime));
  return [...list].sort((a, b) => key(b).localeCompare(key(a)) || (a.ServerlessCacheSnapshotName ?? '').localeCompare(b.ServerlessCacheSnapshotName ?? ''));
}

export const SERVERLESS_SNAPSHOT_FIELDS = {
  name: ['ServerlessCacheSnapshotName', 'ServerlessCacheSnapshotAlreadyExistsFault', 'ServerlessCacheSnapshotQuotaExceededFault'],
};
export const DELETE_SERVERLESS_FIELDS = {
  finalSnapshot: ['FinalSnapshotName', 'ServerlessCacheSnapshotName', 'ServerlessCacheSnapshotAlreadyExistsFault', 'ServerlessCacheSnapshotQuotaExceededFault'],
};
