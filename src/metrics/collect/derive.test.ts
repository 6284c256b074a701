import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandTable } from './command-families.js';
import { deriveNodeValues, expandAliases, nodeDatums, replicationLagSeconds } from './derive.js';
import { COMMAND_REPLY, infoText } from './fixtures.test-helpers.js';
import { parseNodeSample } from './node-sample.js';
import type { NodeTarget } from './targets.js';

const target: NodeTarget = { key: 'c-001-0001', cacheClusterId: 'c-001', cacheNodeId: '0001', replicationGroupId: 'c', availabilityZone: 'us-east-1a', address: '127.77.0.2', port: 6379 };
const host = { memAvailableBytes: 4e9, memTotalBytes: 8e9, cpuCount: 2 };
const commands = parseCommandTable(COMMAND_REPLY);

const base = {
  run_id: 'a', role: 'master', connected_clients: 3, used_memory: 1000, maxmemory: 4000, mem_fragmentation_ratio: 1.5,
  keyspace_hits: 100, keyspace_misses: 50, total_connections_received: 10, evicted_keys: 0, expired_keys: 1,
  total_net_input_bytes: 1000, total_net_output_bytes: 2000, total_reads_processed: 10, total_writes_processed: 9,
  used_cpu_user_main_thread: 1.0, used_cpu_sys_main_thread: 0.5, acl_access_denied_auth: 2, acl_access_denied_key: 0, acl_access_denied_cmd: 0,
  acl_access_denied_channel: 0, rdb_bgsave_in_progress: 0, connected_slaves: 1, master_repl_offset: 5000,
  db0: 'keys=7,expires=2,avg_ttl=30000', cmdstat_get: 'calls=100,usec=200,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
  cmdstat_set: 'calls=40,usec=400,usec_per_call=10.00,rejected_calls=0,failed_calls=1', errorstat_ERR: 'count=3',
};

function values(prevFields: Record<string, string | number> | undefined, curFields: Record<string, string | number>, dt = 60_000) {
  const prev = prevFields ? parseNodeSample(infoText(prevFields), 0, { cpuSeconds: 10, swapBytes: 0 }) : undefined;
  const cur = parseNodeSample(infoText(curFields), dt, { cpuSeconds: 16, swapBytes: 4096 });
  return new Map(deriveNodeValues({ target, prev, cur, host, commands }).map((v) => [v.name, v]));
}

test('gauges from a first sample, no counters yet', () => {
  const v = values(undefined, base);
  assert.equal(v.get('CurrConnections')!.value, 3);
  assert.equal(v.get('CurrItems')!.value, 7);
  assert.equal(v.get('DB0AverageTTL')!.value, 30000);
  assert.equal(v.get('DatabaseMemoryUsagePercentage')!.value, 25);
  assert.equal(v.get('IsMaster')!.value, 1);
  assert.equal(v.get('SwapUsage')!.value, 4096);
  assert.equal(v.get('FreeableMemory')!.unit, 'Bytes');
  assert.equal(v.has('CacheHits'), false);
});

test('counters are per-period deltas; rates and latencies from them', () => {
  const v = values(base, {
    ...base, keyspace_hits: 130, keyspace_misses: 60, total_net_input_bytes: 1500, total_connections_received: 12, expired_keys: 4,
    used_cpu_user_main_thread: 7.0, used_cpu_sys_main_thread: 0.5, acl_access_denied_auth: 5, master_repl_offset: 5600,
    cmdstat_get: 'calls=130,usec=290,usec_per_call=2.23,rejected_calls=0,failed_calls=0',
  });
  assert.equal(v.get('CacheHits')!.value, 30);
  assert.equal(v.get('CacheMisses')!.value, 10);
  assert.equal(v.get('CacheHitRate')!.value, 75);
  assert.equal(v.get('NetworkBytesIn')!.value, 500);
  assert.equal(v.get('NewConnections')!.value, 2);
  assert.equal(v.get('Reclaimed')!.value, 3);
  assert.equal(v.get('AuthenticationFailures')!.value, 3);
  assert.equal(v.get('ReplicationBytes')!.value, 600);
  assert.equal(v.get('EngineCPUUtilization')!.value, 10); // 6 s of one core in 60 s
  assert.equal(v.get('CPUUtilization')!.value, 5); // 6 s of two cores in 60 s
  assert.equal(v.get('GetTypeCmds')!.value, 30);
  assert.equal(v.get('GetTypeCmdsLatency')!.value, 3);
  assert.equal(v.get('StringBasedCmds')!.value, 30);
  assert.equal(v.get('SetTypeCmds')!.value, 0);
  assert.equal(v.has('SetTypeCmdsLatency'), false);
});

test('a restarted node (new run_id) counts from zero: no negative deltas', () => {
  const v = values(base, { ...base, run_id: 'b', keyspace_hits: 4, keyspace_misses: 1, cmdstat_get: 'calls=2,usec=4' });
  assert.equal(v.get('CacheHits')!.value, 4);
  assert.equal(v.get('CacheMisses')!.value, 1);
  assert.equal(v.get('GetTypeCmds')!.value, 2);
  // CONFIG RESETSTAT keeps the run_id but lowers counters.
  const r = values(base, { ...base, keyspace_hits: 7 });
  assert.equal(r.get('CacheHits')!.value, 7);
});

test('nodeDatums: the node\'s dimensions, the cluster\'s as an alias; listeners get both; resolution from the period', () => {
  const d = nodeDatums(target, [{ name: 'CacheHits', unit: 'Count', value: 5 }], 1000, 10);
  assert.equal(d.length, 1);
  assert.deepEqual(d[0]!.metric.dimensions.map((dim) => dim.name), ['CacheClusterId', 'CacheNodeId']);
  assert.deepEqual(d[0]!.alsoAs, [[{ name: 'CacheClusterId', value: 'c-001' }]]);
  assert.equal(d[0]!.storageResolution, 1);
  assert.equal(d[0]!.metric.namespace, 'AWS/ElastiCache');
  const heard = expandAliases(d);
  assert.deepEqual(heard.map((x) => x.metric.dimensions.length), [2, 1]);
  assert.ok(heard.every((x) => x.alsoAs === undefined && x.stats.sum === 5));
  assert.equal(nodeDatums(target, [{ name: 'X', unit: 'Count', value: 1 }], 0, 60)[0]!.storageResolution, 60);
});

test('replicationLagSeconds: the primary\'s view, else the replica\'s last I/O, else link-down time', () => {
  const replica = parseNodeSample(infoText({ role: 'slave', master_link_status: 'up', master_last_io_seconds_ago: 4 }), 0);
  const primary = parseNodeSample(infoText({ role: 'master', slave0: `ip=${target.address},port=${target.port},state=online,offset=10,lag=1` }), 0);
  assert.equal(replicationLagSeconds(replica, target, primary), 1);
  assert.equal(replicationLagSeconds(replica, target, undefined), 4);
  const down = parseNodeSample(infoText({ role: 'slave', master_link_status: 'down', master_link_down_since_seconds: 12 }), 0);
  assert.equal(replicationLagSeconds(down, target, primary), 12);
  assert.equal(replicationLagSeconds(primary, target, undefined), undefined);
  const v = new Map(deriveNodeValues({ target, prev: undefined, cur: replica, host, commands, replicationLagS: 1 }).map((x) => [x.name, x.value]));
  assert.equal(v.get('ReplicationLag'), 1);
  assert.equal(v.get('IsMaster'), 0);
  assert.equal(v.get('MasterLinkHealthStatus'), 1);
});
