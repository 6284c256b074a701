/**
 * A serverless cache's CloudWatch metrics, pure: what it used over one period (the difference of
 * its usage totals, usage.ts) and what it holds now, as ElastiCache Serverless publishes them in
 * AWS/ElastiCache with the dimension `clusterId` (the cache's name).
 */
import type { MetricDatum, StandardUnit } from '../../metrics/index.js';
import type { ServerlessUsageRecord } from '../../store/index.js';

const NAMESPACE = 'AWS/ElastiCache';

export interface ServerlessGauges {
  /** BytesUsedForCache: used_memory over the backing shards' primaries. */
  bytesUsed?: number;
  /** CurrConnections: client connections open on the endpoint's workers. */
  connections: number;
}

export function serverlessMetricData(name: string, before: ServerlessUsageRecord, now: ServerlessUsageRecord, gauges: ServerlessGauges,
  atMs: number): MetricDatum[] {
  const d = (k: keyof ServerlessUsageRecord) => Math.max(0, (now[k] as number ?? 0) - (before[k] as number ?? 0));
  const out: MetricDatum[] = [];
  const put = (metricName: string, unit: StandardUnit, sum: number, sampleCount = 1, min = sum, max = sum) => out.push({
    metric: { namespace: NAMESPACE, metricName, dimensions: [{ name: 'clusterId', value: name }] },
    timestampMs: atMs, unit, stats: { sampleCount, sum, minimum: min, maximum: max }, storageResolution: 60,
  });
  put('ElastiCacheProcessingUnits', 'Count', d('ecpu'));
  put('TotalCmdsCount', 'Count', d('commands'));
  put('ThrottledCmds', 'Count', d('throttledCommands'));
  put('NetworkBytesIn', 'Bytes', d('bytesIn'));
  put('NetworkBytesOut', 'Bytes', d('bytesOut'));
  put('CurrConnections', 'Count', gauges.connections);
  if (gauges.bytesUsed !== undefined) put('BytesUsedForCache', 'Bytes', gauges.bytesUsed);
  // Latencies: the period's average (the engine keeps sums and counts, not each command's).
  const reads = d('readCommands');
  const writes = d('writeCommands');
  if (reads > 0) { const avg = d('readLatencyMicrosSum') / reads; put('SuccessfulReadRequestLatency', 'Microseconds', avg * reads, reads, avg, avg); }
  if (writes > 0) { const avg = d('writeLatencyMicrosSum') / writes; put('SuccessfulWriteRequestLatency', 'Microseconds', avg * writes, writes, avg, avg); }
  return out;
}
