/**
 * What the terminal views show, computed by the service from readings (pure): one row per node
 * for `cachefleet top`, and the recent values of a group's main metrics for `cachefleet metrics`.
 */
import type { NodeReading } from './collect/collector.js';
import { field } from './collect/node-sample.js';
import { replicationLagSeconds } from './collect/derive.js';

export interface FleetNode {
  replicationGroupId?: string;
  cacheClusterId: string;
  cacheNodeId: string;
  availabilityZone: string;
  endpoint: string;
  up: boolean;
  error?: string;
  role?: 'primary' | 'replica';
  opsPerSec?: number;
  /** Cumulative: a viewer's hit rate is the ratio of their growth between two frames. */
  keyspaceHits?: number;
  keyspaceMisses?: number;
  usedMemoryBytes?: number;
  maxmemoryBytes?: number;
  connectedClients?: number;
  replicationLagS?: number;
  atMs?: number;
}

export function fleetView(readings: NodeReading[]): FleetNode[] {
  const byAddress = new Map(readings.filter((r) => r.sample).map((r) => [`${r.target.address}:${r.target.port}`, r.sample!]));
  return readings.map((r): FleetNode => {
    const t = r.target;
    const base: FleetNode = {
      ...(t.replicationGroupId ? { replicationGroupId: t.replicationGroupId } : {}),
      cacheClusterId: t.cacheClusterId, cacheNodeId: t.cacheNodeId, availabilityZone: t.availabilityZone,
      endpoint: `${t.address}:${t.port}`, up: Boolean(r.sample), ...(r.error ? { error: r.error } : {}),
    };
    const s = r.sample;
    if (!s) return base;
    const lag = replicationLagSeconds(s, t, byAddress.get(`${s.fields.master_host}:${s.fields.master_port}`));
    return {
      ...base, role: s.fields.role === 'slave' ? 'replica' : 'primary', opsPerSec: field(s, 'instantaneous_ops_per_sec'),
      keyspaceHits: field(s, 'keyspace_hits'), keyspaceMisses: field(s, 'keyspace_misses'), usedMemoryBytes: field(s, 'used_memory'),
      maxmemoryBytes: field(s, 'maxmemory'), connectedClients: field(s, 'connected_clients'), atMs: s.atMs,
      ...(lag !== undefined ? { replicationLagS: lag } : {}),
    };
  }).sort((a, b) => `${a.replicationGroupId ?? ''}/${a.cacheClusterId}`.localeCompare(`${b.replicationGroupId ?? ''}/${b.cacheClusterId}`));
}

/** The metrics `cachefleet metrics <group>` shows, in this order. */
export const MAIN_METRICS: readonly string[] = [
  'CPUUtilization', 'EngineCPUUtilization', 'FreeableMemory', 'BytesUsedForCache', 'DatabaseMemoryUsagePercentage',
  'CurrConnections', 'NewConnections', 'CurrItems', 'CacheHits', 'CacheMisses', 'CacheHitRate', 'Evictions', 'Reclaimed',
  'NetworkBytesIn', 'NetworkBytesOut', 'ReplicationLag', 'IsMaster', 'GetTypeCmds', 'SetTypeCmds',
];

export interface RecentValue {
  cacheClusterId: string;
  metricName: string;
  unit: string;
  timestampMs: number;
  /** The latest period's Average (its Sum for counts of a period). */
  value: number;
}
