/**
 * ElastiCache's metrics of one node for one period, from two consecutive samples (pure).
 * Names, units and meanings are AWS's (the AWS/ElastiCache namespace: host-level metrics and the
 * metrics for Redis OSS); the comments say where a value comes from on a shared host.
 *
 * Counters are the deltas of INFO's cumulative counters over the period. A node that restarted
 * (a new run_id) or whose counters were reset (CONFIG RESETSTAT) counts from zero again: its delta
 * is the new value, never negative. The first sample of a node gives gauges only.
 */
import type { MetricDatum, StandardUnit } from '../types.js';
import { familyTotals, type CommandTable } from './command-families.js';
import { field, type CommandStat, type NodeSample } from './node-sample.js';
import type { HostSample, NodeTarget } from './targets.js';

export const ELASTICACHE_NAMESPACE = 'AWS/ElastiCache';

export interface DeriveInput {
  target: NodeTarget;
  prev: NodeSample | undefined;
  cur: NodeSample;
  host: HostSample;
  commands: CommandTable;
  /** Replica only: seconds behind its primary (collector.ts works it out from the primary's INFO). */
  replicationLagS?: number;
}

export interface NodeValue {
  name: string;
  unit: StandardUnit;
  value: number;
}

/** The node's values for the period (the collector turns each into datums with the node's dimensions). */
export function deriveNodeValues(x: DeriveInput): NodeValue[] {
  const { cur, prev, host } = x;
  const out: NodeValue[] = [];
  const put = (name: string, unit: StandardUnit, value: number) => { if (Number.isFinite(value)) out.push({ name, unit, value }); };
  const primary = cur.fields.role === 'master';
  const usedMemory = field(cur, 'used_memory');
  const maxmemory = field(cur, 'maxmemory');

  // Host-level metrics, per node: the node's own process stands for its host.
  put('FreeableMemory', 'Bytes', host.memAvailableBytes);
  if (cur.process) put('SwapUsage', 'Bytes', cur.process.swapBytes);

  // Gauges.
  put('CurrConnections', 'Count', field(cur, 'connected_clients'));
  put('CurrItems', 'Count', sum([...cur.keyspace.values()].map((d) => d.keys)));
  put('CurrVolatileItems', 'Count', sum([...cur.keyspace.values()].map((d) => d.expires)));
  put('BytesUsedForCache', 'Bytes', usedMemory);
  // Without a maxmemory the host's memory is the limit.
  put('DatabaseMemoryUsagePercentage', 'Percent', (100 * usedMemory) / (maxmemory > 0 ? maxmemory : host.memTotalBytes));
  put('MemoryFragmentationRatio', 'None', field(cur, 'mem_fragmentation_ratio'));
  put('IsMaster', 'Count', primary ? 1 : 0);
  put('IsPrimary', 'Count', primary ? 1 : 0);
  put('SaveInProgress', 'Count', field(cur, 'rdb_bgsave_in_progress'));
  if (cur.keyspace.has(0)) put('DB0AverageTTL', 'Milliseconds', cur.keyspace.get(0)!.avgTtlMs);
  if (!primary) {
    put('MasterLinkHealthStatus', 'None', cur.fields.master_link_status === 'up' ? 1 : 0);
    if (x.replicationLagS !== undefined) put('ReplicationLag', 'Seconds', x.replicationLagS);
  }
  if (!prev) return out;

  const restarted = prev.fields.run_id !== cur.fields.run_id;
  const delta = (a: number, b: number) => (restarted || b < a ? b : b - a);
  const counter = (name: string) => delta(field(prev, name), field(cur, name));
  const elapsedS = (cur.atMs - prev.atMs) / 1000;
  if (elapsedS <= 0) return out;

  if (prev.process && cur.process) {
    // The process's CPU time (every thread) as a share of all the host's CPUs, as CPUUtilization is.
    put('CPUUtilization', 'Percent', (100 * delta(prev.process.cpuSeconds, cur.process.cpuSeconds)) / elapsedS / host.cpuCount);
  }
  // The main thread's CPU (INFO cpu, Redis ≥ 6.2), else the process's as INFO reports it: a share of one core.
  const mainCpu = (s: NodeSample) => (s.fields.used_cpu_user_main_thread !== undefined
    ? field(s, 'used_cpu_user_main_thread') + field(s, 'used_cpu_sys_main_thread')
    : field(s, 'used_cpu_user') + field(s, 'used_cpu_sys'));
  put('EngineCPUUtilization', 'Percent', Math.min(100, (100 * delta(mainCpu(prev), mainCpu(cur))) / elapsedS));
  // On one host nodes share the network interface: each node's own traffic is INFO's byte
  // counters (clients and replication), and its packets are its read and write events.
  put('NetworkBytesIn', 'Bytes', counter('total_net_input_bytes'));
  put('NetworkBytesOut', 'Bytes', counter('total_net_output_bytes'));
  put('NetworkPacketsIn', 'Count', counter('total_reads_processed'));
  put('NetworkPacketsOut', 'Count', counter('total_writes_processed'));

  const hits = counter('keyspace_hits');
  const misses = counter('keyspace_misses');
  put('CacheHits', 'Count', hits);
  put('CacheMisses', 'Count', misses);
  if (hits + misses > 0) put('CacheHitRate', 'Percent', (100 * hits) / (hits + misses));
  put('NewConnections', 'Count', counter('total_connections_received'));
  put('Evictions', 'Count', counter('evicted_keys'));
  put('Reclaimed', 'Count', counter('expired_keys'));
  put('ActiveDefragHits', 'Count', counter('active_defrag_hits'));
  put('AuthenticationFailures', 'Count', counter('acl_access_denied_auth'));
  put('KeyAuthorizationFailures', 'Count', counter('acl_access_denied_key'));
  put('CommandAuthorizationFailures', 'Count', counter('acl_access_denied_cmd'));
  put('ChannelAuthorizationFailures', 'Count', counter('acl_access_denied_channel'));
  // What the primary sent its replicas: the growth of its replication offset.
  if (primary && field(cur, 'connected_slaves') > 0) put('ReplicationBytes', 'Bytes', counter('master_repl_offset'));

  const deltas = new Map<string, CommandStat>();
  for (const [name, c] of cur.commands) {
    const p = restarted ? undefined : prev.commands.get(name);
    deltas.set(name, {
      calls: delta(p?.calls ?? 0, c.calls), usec: delta(p?.usec ?? 0, c.usec),
      rejectedCalls: delta(p?.rejectedCalls ?? 0, c.rejectedCalls), failedCalls: delta(p?.failedCalls ?? 0, c.failedCalls),
    });
  }
  for (const [family, t] of familyTotals(deltas, x.commands)) {
    put(family, 'Count', t.calls);
    // The average latency of the family's commands in the period (server-side, as INFO measures it).
    if (t.calls > 0) put(`${family}Latency`, 'Microseconds', t.usec / t.calls);
  }
  return out;
}

/**
 * Each value as a datum under the dimension sets AWS publishes node metrics with:
 * CacheClusterId + CacheNodeId, and CacheClusterId alone (what most alarms name). A Redis cache
 * cluster has one node, so the second set is the same data: `alsoAs`, kept once by the store.
 */
export function nodeDatums(target: NodeTarget, values: NodeValue[], atMs: number, periodS: number): MetricDatum[] {
  const node = [{ name: 'CacheClusterId', value: target.cacheClusterId }, { name: 'CacheNodeId', value: target.cacheNodeId }];
  const cluster = [[{ name: 'CacheClusterId', value: target.cacheClusterId }]];
  const storageResolution = periodS < 60 ? 1 : 60;
  return values.map((v) => ({
    metric: { namespace: ELASTICACHE_NAMESPACE, metricName: v.name, dimensions: node }, alsoAs: cluster,
    timestampMs: atMs, unit: v.unit, storageResolution,
    stats: { sampleCount: 1, sum: v.value, minimum: v.value, maximum: v.value },
  } satisfies MetricDatum));
}

/** A datum as one datum per dimension set (what listeners get: alarms match on exact dimensions). */
export function expandAliases(data: MetricDatum[]): MetricDatum[] {
  return data.flatMap(({ alsoAs, ...d }) => [d, ...(alsoAs ?? []).map((dimensions) => ({ ...d, metric: { ...d.metric, dimensions } }))]);
}

/**
 * A replica's lag in seconds: the primary's view of it (INFO replication `slaveN: …,lag=`, the
 * seconds since the replica's last acknowledgement) when the primary was read in the same
 * collection, else the seconds since the replica last heard from its primary; while the link is
 * down, how long it has been down.
 */
export function replicationLagSeconds(replica: NodeSample, target: NodeTarget, primary: NodeSample | undefined): number | undefined {
  if (replica.fields.role !== 'slave') return undefined;
  if (replica.fields.master_link_status !== 'up') {
    const down = Number(replica.fields.master_link_down_since_seconds);
    return Number.isFinite(down) && down >= 0 ? down : undefined;
  }
  if (primary) {
    for (const [k, v] of Object.entries(primary.fields)) {
      if (!/^slave\d+$/.test(k)) continue;
      const ip = /ip=([^,]*)/.exec(v)?.[1];
      const port = Number(/port=(\d+)/.exec(v)?.[1]);
      const lag = Number(/lag=(\d+)/.exec(v)?.[1]);
      if (ip === target.address && port === target.port && Number.isFinite(lag)) return lag;
    }
  }
  const io = Number(replica.fields.master_last_io_seconds_ago);
  return Number.isFinite(io) && io >= 0 ? io : undefined;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
