/**
 * The node series of /metrics, named as oliver006/redis_exporter names them so dashboards made
 * for it (Grafana 763) work: declared in one table (name, help, type, where the value comes from).
 * Every series carries the node's place in the fleet: replication_group, cache_cluster, node,
 * role, az, and `instance` (the node's address:port; kept with Prometheus's `honor_labels: true`,
 * it is the per-node `instance` those dashboards select on). redis_exporter's
 * redis_instantaneous_ops_per_sec is left out: `promtool check metrics` rejects its abbreviated
 * unit; rate(redis_commands_processed_total[1m]) says the same.
 */
import type { NodeReading } from '../collect/collector.js';
import { field, type NodeSample } from '../collect/node-sample.js';

export const NODE_LABELS = ['replication_group', 'cache_cluster', 'node', 'role', 'az', 'instance'] as const;

export interface SeriesValue {
  labels?: Record<string, string>;
  value: number;
}

export interface NodeSeries {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** Extra labels beyond NODE_LABELS. */
  labels?: readonly string[];
  values(s: NodeSample): SeriesValue[];
}

const info = (name: string, scale = 1) => (s: NodeSample): SeriesValue[] =>
  (s.fields[name] === undefined ? [] : [{ value: field(s, name) * scale }]);

export const NODE_SERIES: readonly NodeSeries[] = [
  { name: 'redis_uptime_in_seconds', help: 'Seconds since the node started', type: 'gauge', values: info('uptime_in_seconds') },
  {
    name: 'redis_instance_info', help: 'The node\'s engine and process', type: 'gauge', labels: ['redis_version', 'redis_mode', 'run_id', 'tcp_port', 'process_id'],
    values: (s) => [{ value: 1, labels: {
      redis_version: s.fields.redis_version ?? '', redis_mode: s.fields.redis_mode ?? '', run_id: s.fields.run_id ?? '',
      tcp_port: s.fields.tcp_port ?? '', process_id: s.fields.process_id ?? '',
    } }],
  },
  { name: 'redis_connected_clients', help: 'Client connections (replicas excluded)', type: 'gauge', values: info('connected_clients') },
  { name: 'redis_blocked_clients', help: 'Clients blocked on a blocking command', type: 'gauge', values: info('blocked_clients') },
  { name: 'redis_memory_used_bytes', help: 'used_memory', type: 'gauge', values: info('used_memory') },
  { name: 'redis_memory_used_rss_bytes', help: 'used_memory_rss', type: 'gauge', values: info('used_memory_rss') },
  { name: 'redis_memory_used_peak_bytes', help: 'used_memory_peak', type: 'gauge', values: info('used_memory_peak') },
  { name: 'redis_memory_max_bytes', help: 'maxmemory (0: no limit)', type: 'gauge', values: info('maxmemory') },
  { name: 'redis_mem_fragmentation_ratio', help: 'mem_fragmentation_ratio', type: 'gauge', values: info('mem_fragmentation_ratio') },
  { name: 'redis_keyspace_hits_total', help: 'Successful key lookups', type: 'counter', values: info('keyspace_hits') },
  { name: 'redis_keyspace_misses_total', help: 'Failed key lookups', type: 'counter', values: info('keyspace_misses') },
  { name: 'redis_commands_processed_total', help: 'Commands processed', type: 'counter', values: info('total_commands_processed') },
  { name: 'redis_connections_received_total', help: 'Connections accepted', type: 'counter', values: info('total_connections_received') },
  { name: 'redis_rejected_connections_total', help: 'Connections refused (maxclients)', type: 'counter', values: info('rejected_connections') },
  { name: 'redis_evicted_keys_total', help: 'Keys evicted by the maxmemory policy', type: 'counter', values: info('evicted_keys') },
  { name: 'redis_expired_keys_total', help: 'Keys expired', type: 'counter', values: info('expired_keys') },
  { name: 'redis_net_input_bytes_total', help: 'Bytes read from the network', type: 'counter', values: info('total_net_input_bytes') },
  { name: 'redis_net_output_bytes_total', help: 'Bytes written to the network', type: 'counter', values: info('total_net_output_bytes') },
  { name: 'redis_cpu_sys_seconds_total', help: 'System CPU of the node', type: 'counter', values: info('used_cpu_sys') },
  { name: 'redis_cpu_user_seconds_total', help: 'User CPU of the node', type: 'counter', values: info('used_cpu_user') },
  { name: 'redis_connected_slaves', help: 'Replicas connected to this node', type: 'gauge', values: info('connected_slaves') },
  { name: 'redis_master_repl_offset', help: 'The replication offset', type: 'gauge', values: info('master_repl_offset') },
  {
    name: 'redis_master_link_up', help: 'Replica: the link to its primary is up', type: 'gauge',
    values: (s) => (s.fields.role === 'slave' ? [{ value: s.fields.master_link_status === 'up' ? 1 : 0 }] : []),
  },
  { name: 'redis_master_last_io_seconds_ago', help: 'Replica: seconds since it last heard from its primary', type: 'gauge', values: info('master_last_io_seconds_ago') },
  { name: 'redis_rdb_bgsave_in_progress', help: 'A background save runs', type: 'gauge', values: info('rdb_bgsave_in_progress') },
  { name: 'redis_rdb_last_save_timestamp_seconds', help: 'When the last save succeeded', type: 'gauge', values: info('rdb_last_save_time') },
  {
    name: 'redis_commands_total', help: 'Calls per command (INFO commandstats)', type: 'counter', labels: ['cmd'],
    values: (s) => [...s.commands].map(([cmd, c]) => ({ labels: { cmd }, value: c.calls })),
  },
  {
    name: 'redis_commands_duration_seconds_total', help: 'Time spent per command', type: 'counter', labels: ['cmd'],
    values: (s) => [...s.commands].map(([cmd, c]) => ({ labels: { cmd }, value: c.usec / 1e6 })),
  },
  {
    name: 'redis_commands_rejected_calls_total', help: 'Calls refused before running (ACL, OOM, arity, …)', type: 'counter', labels: ['cmd'],
    values: (s) => [...s.commands].map(([cmd, c]) => ({ labels: { cmd }, value: c.rejectedCalls })),
  },
  {
    name: 'redis_commands_failed_calls_total', help: 'Calls that failed while running', type: 'counter', labels: ['cmd'],
    values: (s) => [...s.commands].map(([cmd, c]) => ({ labels: { cmd }, value: c.failedCalls })),
  },
  {
    name: 'redis_errors_total', help: 'Error replies by prefix (INFO errorstats)', type: 'counter', labels: ['err'],
    values: (s) => [...s.errors].map(([err, n]) => ({ labels: { err }, value: n })),
  },
  {
    name: 'redis_db_keys', help: 'Keys per database', type: 'gauge', labels: ['db'],
    values: (s) => [...s.keyspace].map(([db, k]) => ({ labels: { db: `db${db}` }, value: k.keys })),
  },
  {
    name: 'redis_db_keys_expiring', help: 'Keys with a TTL per database', type: 'gauge', labels: ['db'],
    values: (s) => [...s.keyspace].map(([db, k]) => ({ labels: { db: `db${db}` }, value: k.expires })),
  },
  {
    name: 'redis_db_avg_ttl_seconds', help: 'Average TTL of keys with one, per database', type: 'gauge', labels: ['db'],
    values: (s) => [...s.keyspace].map(([db, k]) => ({ labels: { db: `db${db}` }, value: k.avgTtlMs / 1000 })),
  },
];

/** A reading's fleet labels. */
export function nodeLabels(r: NodeReading): Record<(typeof NODE_LABELS)[number], string> {
  const role = r.sample?.fields.role;
  return {
    replication_group: r.target.replicationGroupId ?? '', cache_cluster: r.target.cacheClusterId, node: r.target.cacheNodeId,
    role: role === 'master' ? 'master' : role === 'slave' ? 'slave' : 'unknown', az: r.target.availabilityZone,
    instance: `${r.target.address}:${r.target.port}`,
  };
}
