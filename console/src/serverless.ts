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

/**
 * The usage a serverless cache's page shows, from the CloudWatch metrics the service publishes for
 * it (AWS/ElastiCache, dimension `clusterId` = its name, as ElastiCache Serverless does): the
 * latest value of a gauge, the last hour's total of a counter.
 */
export const SERVERLESS_USAGE = [
  { id: 'bytes', metric: 'BytesUsedForCache', stat: 'Maximum', kind: 'latest', label: 'Data stored' },
  { id: 'conn', metric: 'CurrConnections', stat: 'Maximum', kind: 'latest', label: 'Connections' },
  { id: 'ecpu', metric: 'ElastiCacheProcessingUnits', stat: 'Sum', kind: 'total', label: 'ECPUs, last hour' },
  { id: 'cmds', metric: 'TotalCmdsCount', stat: 'Sum', kind: 'total', label: 'Commands, last hour' },
] as const;

/** GetMetricData's parameters for the usage over the hour before `end` (minutes, newest first). */
export function serverlessUsageParams(name: string, end: Date): Params {
  const p: Params = { StartTime: new Date(end.getTime() - 3600_000).toISOString(), EndTime: end.toISOString(), ScanBy: 'TimestampDescending' };
  SERVERLESS_USAGE.forEach((u, i) => {
    const q = `MetricDataQueries.member.${i + 1}`;
    Object.assign(p, {
      [`${q}.Id`]: u.id, [`${q}.MetricStat.Metric.Namespace`]: 'AWS/ElastiCache', [`${q}.MetricStat.Metric.MetricName`]: u.metric,
      [`${q}.MetricStat.Metric.Dimensions.member.1.Name`]: 'clusterId', [`${q}.MetricStat.Metric.Dimensions.member.1.Value`]: name,
      [`${q}.MetricStat.Period`]: '60', [`${q}.MetricStat.Stat`]: u.stat,
    });
  });
  return p;
}

/** GetMetricData's answer as the page's rows: '—' for a metric with no data yet. */
export function usageRows(results: ReadonlyArray<{ Id?: string; Values?: number[] }>): Array<[string, string]> {
  return SERVERLESS_USAGE.map((u) => {
    const values = results.find((r) => r.Id === u.id)?.Values ?? [];
    if (values.length === 0) return [u.label, '—'];
    const v = u.kind === 'latest' ? values[0]! : values.reduce((a, x) => a + x, 0);
    return [u.label, u.id === 'bytes' ? bytesText(v) : Math.round(v).toLocaleString('en-US')];
  });
}

export function bytesText(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
