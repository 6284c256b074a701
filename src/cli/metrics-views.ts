/**
 * What `cachefleet top` and `cachefleet metrics` print (pure: unit-tested on plain data). Plain
 * text with a few ANSI styles for a terminal; no TUI library is needed for a table redrawn once a second.
 */
import type { FleetNode, RecentValue } from '../metrics/index.js';

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export function humanBytes(n: number | undefined): string {
  if (n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i >= 4 && i <= 8 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/**
 * One frame of `cachefleet top`. The hit rate is that of the lookups since the previous frame
 * (the cumulative one on the first frame).
 */
export function renderTop(nodes: FleetNode[], prev: FleetNode[] | undefined, opts: { color: boolean; now: Date }): string {
  const before = new Map((prev ?? []).map((n) => [`${n.cacheClusterId}/${n.cacheNodeId}`, n]));
  const style = (s: string, code: string) => (opts.color ? `${code}${s}${RESET}` : s);
  const groups = new Set(nodes.map((n) => n.replicationGroupId ?? n.cacheClusterId));
  const up = nodes.filter((n) => n.up).length;
  const ops = nodes.reduce((a, n) => a + (n.opsPerSec ?? 0), 0);
  const rows = [['GROUP', 'CLUSTER', 'NODE', 'ROLE', 'OPS/S', 'HIT%', 'MEMORY', 'CONNS', 'LAG', 'AZ', 'ENDPOINT']];
  for (const n of nodes) {
    const p = before.get(`${n.cacheClusterId}/${n.cacheNodeId}`);
    const hits = (n.keyspaceHits ?? 0) - (p?.keyspaceHits ?? 0);
    const misses = (n.keyspaceMisses ?? 0) - (p?.keyspaceMisses ?? 0);
    const hitRate = hits >= 0 && misses >= 0 && hits + misses > 0 ? `${((100 * hits) / (hits + misses)).toFixed(1)}` : '-';
    const mem = n.usedMemoryBytes === undefined ? '-'
      : n.maxmemoryBytes ? `${humanBytes(n.usedMemoryBytes)}/${humanBytes(n.maxmemoryBytes)}` : humanBytes(n.usedMemoryBytes);
    rows.push([
      n.replicationGroupId ?? '-', n.cacheClusterId, n.cacheNodeId, n.up ? (n.role ?? '-') : 'DOWN',
      n.opsPerSec === undefined ? '-' : String(n.opsPerSec), hitRate, mem, n.connectedClients === undefined ? '-' : String(n.connectedClients),
      n.role === 'replica' && n.replicationLagS !== undefined ? `${n.replicationLagS}s` : '-', n.availabilityZone, n.endpoint,
    ]);
  }
  const [header, ...body] = table(rows);
  const lines = [
    `cachefleet top - ${opts.now.toISOString().replace('T', ' ').slice(0, 19)}  groups: ${groups.size}  nodes: ${nodes.length} (${up} up)  ops/s: ${ops}`,
    '',
    style(header!, BOLD),
    ...body.map((l, i) => (nodes[i]!.up ? l : style(l, RED))),
  ];
  if (nodes.length === 0) lines.push(style('no cache nodes', DIM));
  return lines.join('\n');
}

function formatValue(v: RecentValue): string {
  if (v.unit === 'Bytes') return humanBytes(v.value);
  if (v.unit === 'Percent') return `${v.value.toFixed(1)}%`;
  if (v.unit === 'Seconds') return `${v.value.toFixed(0)}s`;
  if (v.unit === 'Microseconds') return `${v.value.toFixed(1)}us`;
  return Number.isInteger(v.value) ? String(v.value) : v.value.toFixed(2);
}

/** `cachefleet metrics <group>`: one row per metric, one column per cluster, the latest period's value. */
export function renderRecent(r: { group: string; clusters: string[]; periodS: number; values: RecentValue[] }, metricOrder: readonly string[]): string {
  if (r.clusters.length === 0) return `no cache clusters found for ${r.group}`;
  const byKey = new Map(r.values.map((v) => [`${v.metricName}\0${v.cacheClusterId}`, v]));
  const rows = [['METRIC', ...r.clusters]];
  for (const m of metricOrder) {
    const cells = r.clusters.map((c) => byKey.get(`${m}\0${c}`));
    if (cells.every((c) => !c)) continue;
    rows.push([m, ...cells.map((c) => (c ? formatValue(c) : '-'))]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const latest = Math.max(0, ...r.values.map((v) => v.timestampMs));
  const lines = rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
  const when = latest ? new Date(latest).toISOString() : 'no data yet (the first values come one collection period after a node starts)';
  return [`${r.group}: latest ${r.periodS} s period (${when})`, ...lines].join('\n');
}
