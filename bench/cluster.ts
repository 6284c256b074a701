/**
 * Cluster mode enabled groups: online resharding and throughput.
 *
 *  1. Resharding: a group of 3 shards (primary + replica each) is loaded with `keys` small keys
 *     (`ck:<i>` = `val:<i>`, one `redis-cli --pipe` per primary carrying the keys of its slots),
 *     checked (DBSIZE over the primaries == keys), then resharded 3 → 5 node groups
 *     (ModifyReplicationGroupShardConfiguration) while ioredis' cluster client, seeded with the
 *     configuration endpoint, loops GET + SET on random keys (every rejected command counts as an
 *     error; MOVED/ASK redirections are followed by the client and do not). Reported: time from
 *     the call to `available`, slots and keys moved (the completion event, cross-checked with
 *     DBSIZE deltas), keys moved per second, the client's ops, errors and wrong reads, and after
 *     it: DBSIZE sum == keys, 10,000 sampled GETs with their values checked, replicas caught up,
 *     described slots == the cluster's. Then 5 → 3 (NodeGroupsToRemove 0004, 0005), same checks
 *     (skipped with --quick).
 *  2. Throughput: `redis-benchmark --cluster -t get -c 50` through the configuration endpoint of
 *     the 3-shard group vs `redis-benchmark -t get -c 50` against one standalone node
 *     (CreateCacheCluster), as cluster rps / (3 × single-node rps); ABBA order over repetitions.
 *
 * Call: `measureCluster(svc, { keys: quick ? 50_000 : 1_000_000, quick })` → { rows, details }.
 */
import { readFileSync } from 'node:fs';
import {
  CreateCacheClusterCommand, CreateReplicationGroupCommand, DeleteCacheClusterCommand, DescribeCacheClustersCommand,
  DescribeEventsCommand, ModifyReplicationGroupShardConfigurationCommand, type ElastiCacheClient, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { Cluster } from 'ioredis';
import { countSlots, parseSlots } from '../src/engine/cluster-nodes.js';
import { waitFor } from '../src/util/wait.js';
import {
  checkKeySlot, clusterClient, GetSetLoop, loadKeys, primarySizes, redisBenchmarkGet, replicasCaughtUp, sampleCheck,
  waitConverged, type Endpoint, type LoadResult, type LoopReport, type SampleCheck, type Topology,
} from './cluster-redis.js';
import { deleteGroup, describeGroup, NODE_TYPE, redisCommand, waitAvailable, waitGone } from './groups.js';
import { cpuTimeMs, type BenchService } from './service.js';
import { median, ms, now, progress, ratio, rps, sec, type Row } from './stats.js';

const GROUP = 'bench-cluster';
const SINGLE = 'bench-single';
const n = (v: number) => Math.round(v).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Resources.

async function createClusterGroup(client: ElastiCacheClient): Promise<void> {
  await client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: GROUP, ReplicationGroupDescription: 'cluster-mode benchmark', Engine: 'redis',
    NumNodeGroups: 3, ReplicasPerNodeGroup: 1, CacheParameterGroupName: 'default.redis7.cluster.on',
    CacheNodeType: NODE_TYPE, AutomaticFailoverEnabled: true,
  }));
}

async function describeCluster(client: ElastiCacheClient): Promise<ReplicationGroup> {
  const g = await describeGroup(client, GROUP);
  if (!g) throw new Error(`replication group ${GROUP} not found`);
  return g;
}

function configEndpoint(g: ReplicationGroup): Endpoint {
  const ep = g.ConfigurationEndpoint;
  if (!ep?.Address || !ep.Port) throw new Error(`${g.ReplicationGroupId} shows no ConfigurationEndpoint`);
  return { host: ep.Address, port: ep.Port };
}

async function createSingle(client: ElastiCacheClient): Promise<void> {
  await client.send(new CreateCacheClusterCommand({ CacheClusterId: SINGLE, CacheNodeType: NODE_TYPE, Engine: 'redis', NumCacheNodes: 1 }));
}

async function describeSingle(client: ElastiCacheClient) {
  try {
    return (await client.send(new DescribeCacheClustersCommand({ CacheClusterId: SINGLE, ShowCacheNodeInfo: true }))).CacheClusters?.[0];
  } catch (e) {
    if ((e as { name?: string }).name === 'CacheClusterNotFoundFault') return undefined;
    throw e;
  }
}

async function waitSingle(client: ElastiCacheClient): Promise<Endpoint> {
  const ep = await waitFor(async () => {
    const c = await describeSingle(client);
    if (!c) throw new Error(`cache cluster ${SINGLE} disappeared`);
    const e = c.CacheNodes?.[0]?.Endpoint;
    return c.CacheClusterStatus === 'available' && e?.Address && e.Port ? { host: e.Address, port: e.Port } : undefined;
  }, { timeoutMs: 120_000, intervalMs: 100, what: `cache cluster ${SINGLE} to be available` });
  await waitFor(async () => (await redisCommand(ep.host, ep.port, ['PING'])) === 'PONG', { timeoutMs: 10_000, what: `${SINGLE} to answer` });
  return ep;
}

async function deleteSingle(client: ElastiCacheClient): Promise<void> {
  if (!(await describeSingle(client).catch(() => undefined))) return;
  await client.send(new DeleteCacheClusterCommand({ CacheClusterId: SINGLE })).catch(() => undefined);
  await waitFor(async () => !(await describeSingle(client)), { timeoutMs: 60_000, intervalMs: 50, what: `${SINGLE} to be deleted` }).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Throughput.

interface ThroughputMode { name: string; requests: number; extra: string[] }
interface ThroughputPair { mode: ThroughputMode; cluster: number[]; single: number[]; ratios: number[]; medianRatio: number }

async function measureThroughput(config: Endpoint, single: Endpoint, quick: boolean): Promise<ThroughputPair[]> {
  const reps = quick ? 1 : 3;
  const modes: ThroughputMode[] = quick
    ? [{ name: 'GET', requests: 100_000, extra: [] }, { name: 'GET -P 16', requests: 300_000, extra: ['-P', '16'] }]
    : [{ name: 'GET', requests: 300_000, extra: [] }, { name: 'GET -P 16', requests: 1_000_000, extra: ['-P', '16'] }];
  const out: ThroughputPair[] = [];
  for (const mode of modes) {
    const c: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < reps; i++) {
      const runCluster = async () => c.push(await redisBenchmarkGet(config, mode.requests, ['--cluster', ...mode.extra]));
      const runSingle = async () => s.push(await redisBenchmarkGet(single, mode.requests, mode.extra));
      if (i % 2 === 0) { await runSingle(); await runCluster(); } else { await runCluster(); await runSingle(); }
      progress(`throughput ${mode.name} ${i + 1}/${reps}: cluster ${rps(c[i]!)} rps, one node ${rps(s[i]!)} rps ` +
        `(cluster / 3× node = ${ratio(c[i]! / (3 * s[i]!))})`);
    }
    const ratios = c.map((v, i) => v / (3 * s[i]!));
    out.push({ mode, cluster: c, single: s, ratios, medianRatio: median(ratios) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resharding.

interface ReshardResult {
  label: string;
  to: number;
  elapsedMs: number;
  /** Call → every node group (also the new ones) shows available, i.e. the new nodes answer (growth only). */
  shardsUpMs?: number;
  /** Call → first ProgressPercentage above 0. */
  firstProgressMs?: number;
  /** available → every node agrees on the slot map. */
  convergeMs: number;
  event?: { slots: number; keys: number; text: string };
  /** Sum of DBSIZE decreases over the primaries (removed ones count all they held). */
  dbsizeMoved: number;
  before: Map<string, number>;
  after: Map<string, number>;
  loop: LoopReport;
  keysAfter: number;
  sample: SampleCheck;
  replicasBehind: string[];
  topology: Topology;
  serviceCpuPct: number;
  machineBusyPct: number;
  progressLog: string[];
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

async function reshard(svc: BenchService, cluster: Cluster, config: Endpoint, keys: number, before: Topology,
  to: number, removing: string[]): Promise<ReshardResult> {
  const client = svc.client;
  const from = before.primaries.length;
  const label = `${from}→${to}`;
  const sizesBefore = await primarySizes(before);
  const loop = new GetSetLoop(cluster, keys);
  // A moment of steady client traffic before the call, so a failure at the start shows as such.
  await new Promise((r) => setTimeout(r, 1000));
  const cpu0 = await cpuTimeMs(svc.pid);
  const m0 = machineTicks();
  const wallStart = new Date();
  const t0 = now();
  await client.send(new ModifyReplicationGroupShardConfigurationCommand({
    ReplicationGroupId: GROUP, NodeGroupCount: to, ApplyImmediately: true,
    ...(removing.length ? { NodeGroupsToRemove: removing } : {}),
  }));
  progress(`resharding ${label} started`);
  let shardsUpMs: number | undefined;
  let firstProgressMs: number | undefined;
  let lastPrint = t0;
  let lastPct = -1;
  const progressLog: string[] = [];
  let g: ReplicationGroup;
  for (;;) {
    g = await describeCluster(client);
    const t = now() - t0;
    const pct = g.PendingModifiedValues?.Resharding?.SlotMigration?.ProgressPercentage;
    if (g.Status === 'available' && pct === undefined && (g.NodeGroups?.length ?? 0) === to) break;
    if (g.Status !== 'modifying' && g.Status !== 'available') throw new Error(`${GROUP} is ${g.Status} during resharding ${label}`);
    if (shardsUpMs === undefined && removing.length === 0 && (g.NodeGroups?.length ?? 0) === to &&
      g.NodeGroups!.every((ng) => ng.Status === 'available')) shardsUpMs = t;
    if (firstProgressMs === undefined && (pct ?? 0) > 0) firstProgressMs = t;
    if (pct !== undefined && (now() - lastPrint > 5000 || Math.floor(pct / 25) !== Math.floor(lastPct / 25))) {
      const line = `resharding ${label}: ${pct} % after ${sec(t)}; client ${n(loop.r.ops)} ops, ${loop.r.errors} errors`;
      progress(line);
      progressLog.push(`${sec(t)} ${pct} %`);
      lastPrint = now();
      lastPct = pct;
    }
    if (t > 60 * 60_000) throw new Error(`resharding ${label} still ${g.Status} (${pct} %) after an hour`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const elapsedMs = now() - t0;
  const serviceCpuPct = ((await cpuTimeMs(svc.pid)) - cpu0) / elapsedMs * 100;
  const m1 = machineTicks();
  const machineBusyPct = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100;
  progress(`resharding ${label} available after ${sec(elapsedMs)}; waiting for every node to agree on the slot map`);
  const c0 = now();
  const topology = await waitConverged(config, () => describeCluster(client));
  const convergeMs = now() - c0;
  // Traffic continues through convergence; stopped once the cluster has settled.
  const report = await loop.stop();

  const events = await client.send(new DescribeEventsCommand({
    SourceIdentifier: GROUP, SourceType: 'replication-group', StartTime: new Date(wallStart.getTime() - 1000),
  }));
  const done = (events.Events ?? []).map((e) => e.Message ?? '').find((m) => /^Resharding of \S+ completed:/.test(m));
  const em = done ? /completed: (\d+) slots and (\d+) keys moved/.exec(done) : null;
  const event = em ? { slots: Number(em[1]), keys: Number(em[2]), text: done! } : undefined;

  const after = await primarySizes(topology);
  let dbsizeMoved = 0;
  for (const [id, v] of sizesBefore) dbsizeMoved += Math.max(0, v - (after.get(id) ?? 0));
  const keysAfter = [...after.values()].reduce((a, b) => a + b, 0);
  progress(`after ${label}: ${n(keysAfter)} keys on ${topology.primaries.length} primaries; checking 10,000 sampled values`);
  const sample = await sampleCheck(cluster, keys);
  const replicasBehind = await replicasCaughtUp(topology);
  return {
    label, to, elapsedMs, shardsUpMs, firstProgressMs, convergeMs, event, dbsizeMoved, before: sizesBefore, after,
    loop: report, keysAfter, sample, replicasBehind, topology, serviceCpuPct, machineBusyPct, progressLog,
  };
}

function reshardRows(r: ReshardResult, keys: number): Row[] {
  const l = r.loop;
  const slotCounts = r.topology.primaries.map((p) => countSlots(parseSlots(p.slots)));
  const moved = r.event?.keys ?? r.dbsizeMoved;
  const phases = [
    r.shardsUpMs !== undefined ? `new nodes answering ${sec(r.shardsUpMs)}` : undefined,
    r.firstProgressMs !== undefined ? `first 1 % ${sec(r.firstProgressMs)}` : undefined,
  ].filter(Boolean).join(', ');
  return [
    { measure: `Reshard ${r.label}, ${n(keys)} keys: call → available`, value: `${sec(r.elapsedMs)}${phases ? ` (${phases})` : ''}`, goal: '' },
    { measure: `Reshard ${r.label}: slots / keys moved (event; DBSIZE delta)`,
      value: r.event ? `${n(r.event.slots)} / ${n(r.event.keys)} (DBSIZE ${n(r.dbsizeMoved)})` : `no completion event (DBSIZE ${n(r.dbsizeMoved)})`,
      goal: 'event = DBSIZE', ok: r.event !== undefined && r.event.keys === r.dbsizeMoved },
    { measure: `Reshard ${r.label}: keys / slots moved per second (call → available)`,
      value: `${n(moved / (r.elapsedMs / 1000))} keys/s, ${n((r.event?.slots ?? 0) / (r.elapsedMs / 1000))} slots/s`, goal: '' },
    { measure: `Reshard ${r.label}: client GET+SET ops / errors`,
      value: `${n(l.ops)} (${n(l.ops / (l.elapsedMs / 1000))}/s) / ${n(l.errors)}`, goal: '0 errors', ok: l.errors === 0 },
    { measure: `Reshard ${r.label}: client reads missing / wrong`, value: `${n(l.missing)} / ${n(l.wrong)} of ${n(l.gets)}`, goal: '0 / 0',
      ok: l.missing === 0 && l.wrong === 0 },
    { measure: `Reshard ${r.label}: client latency p50 / p99 / max; longest stall`,
      value: `${ms(l.latency.p50, 2)} / ${ms(l.latency.p99)} / ${ms(l.latency.max, 0)}; ${ms(l.maxGapMs, 0)}`, goal: '' },
    { measure: `After ${r.label}: keys on the primaries (DBSIZE sum)`, value: `${n(r.keysAfter)} / ${n(keys)}`, goal: `= ${n(keys)}`,
      ok: r.keysAfter === keys },
    { measure: `After ${r.label}: sampled GETs with the right value`,
      value: `${n(r.sample.checked - r.sample.missing - r.sample.wrong - r.sample.errors)} / ${n(r.sample.checked)}`, goal: 'all',
      ok: r.sample.missing + r.sample.wrong + r.sample.errors === 0 },
    { measure: `After ${r.label}: node groups, slots each; replicas caught up`,
      value: `${r.topology.primaries.length} (${slotCounts.join('/')}); ${r.replicasBehind.length ? `NO: ${r.replicasBehind.slice(0, 2).join(', ')}` : 'yes'}`,
      goal: `${r.to}; yes`, ok: r.topology.primaries.length === r.to && r.replicasBehind.length === 0 },
  ];
}

function reshardDetails(r: ReshardResult): string[] {
  const sizes = (m: Map<string, number>) => [...m.values()].map(n).join(' / ');
  const out = [
    `reshard ${r.label}: ${r.event?.text ?? 'no completion event found'}`,
    `reshard ${r.label}: primaries' DBSIZE before ${sizes(r.before)}; after ${sizes(r.after)}; nodes agreed on the slot map ${ms(r.convergeMs, 0)} after available` +
      (r.topology.waitedFor.length ? ` (waited for: ${r.topology.waitedFor.join('; ')})` : ''),
    `reshard ${r.label}: service process CPU ${r.serviceCpuPct.toFixed(0)} % of a core, whole machine ${r.machineBusyPct.toFixed(0)} % busy during the resharding; progress ${r.progressLog.join(', ')}`,
    `reshard ${r.label}: client ${n(r.loop.gets)} GETs + ${n(r.loop.sets)} SETs in ${sec(r.loop.elapsedMs)} (8 workers, random keys; it shares the CPUs with the nodes and the migration)`,
  ];
  for (const [kind, count] of r.loop.errorKinds) out.push(`reshard ${r.label}: client error ×${count}: ${kind}`);
  for (const s of r.loop.samples) out.push(`reshard ${r.label}: client sample: ${s}`);
  for (const s of r.sample.samples) out.push(`reshard ${r.label}: sampled GET: ${s}`);
  return out;
}

// ---------------------------------------------------------------------------------------------

export async function measureCluster(svc: BenchService, opts: { keys: number; quick: boolean }):
  Promise<{ rows: Row[]; details: string[] }> {
  const client = svc.client;
  const rows: Row[] = [];
  const details: string[] = [];
  let cluster: Cluster | undefined;
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      console.error(`cluster: ${name} failed: ${(e as Error).stack ?? e}\nservice log tail:\n${svc.logTail()}`);
      rows.push({ measure: `Cluster mode: ${name}`, value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
      return 'failed';
    }
    return 'ok';
  };
  try {
    progress('creating a cluster-mode group (3 shards × primary + replica) and a single-node cache cluster');
    const t0 = now();
    await Promise.all([createClusterGroup(client), createSingle(client)]);
    const created = await waitAvailable(client, GROUP, { intervalMs: 50, timeoutMs: 120_000 });
    const createMs = now() - t0;
    const config = configEndpoint(created);
    const c0 = now();
    let topology = await waitConverged(config, () => describeCluster(client));
    const convergeMs = now() - c0;
    rows.push({ measure: 'Cluster mode, 3 shards × 2 nodes: create → available (+ nodes agree)', value: `${sec(createMs)} (+ ${sec(convergeMs)})`, goal: '' });
    if (topology.waitedFor.length) details.push(`after create → available, waited ${ms(convergeMs, 0)} for: ${topology.waitedFor.join('; ')}`);
    details.push(`cluster group ${GROUP}: configuration endpoint ${config.host}:${config.port}; primaries ` +
      topology.primaries.map((p) => `${p.host} [${p.slots}] + replica ${p.replicas.map((r) => r.host).join(',')}`).join('; '));

    await step('throughput', async () => {
      const single = await waitSingle(client);
      progress(`throughput: redis-benchmark --cluster via ${config.host} vs one node ${single.host}`);
      const pairs = await measureThroughput(config, single, opts.quick);
      for (const p of pairs) {
        rows.push({
          measure: `Cluster (3 shards) ${p.mode.name} -c 50 rps / (3 × one node's)`,
          value: `${ratio(p.medianRatio)} (${rps(median(p.cluster))} / 3 × ${rps(median(p.single))} rps)`, goal: '',
        });
        details.push(`throughput ${p.mode.name.padEnd(9)} cluster rps: ${p.cluster.map(rps).join(', ')}; one node rps: ${p.single.map(rps).join(', ')}; ` +
          `cluster / 3× node: ${p.ratios.map(ratio).join(', ')}; cluster / one node: ${p.cluster.map((c, i) => ratio(c / p.single[i]!)).join(', ')}`);
      }
      details.push('throughput caveat: the benchmark client and all 3 shard primaries share this machine\'s CPUs ' +
        '(nproc above), so 3 shards cannot triple one node\'s rps here; the ratio shows the routing overhead and CPU sharing, not scale-out.');
    });
    progress('deleting the single-node cache cluster');
    await deleteSingle(client);

    const loaded = await step('load keys', async () => {
      await checkKeySlot(config);
      progress(`loading ${n(opts.keys)} keys (redis-cli --pipe to each primary)`);
      const r: LoadResult = await loadKeys(topology, opts.keys);
      const sizes = await primarySizes(topology);
      const total = [...sizes.values()].reduce((a, b) => a + b, 0);
      rows.push({ measure: `Load ${n(opts.keys)} keys (redis-cli --pipe, one per primary)`,
        value: `${sec(r.ms)} (${n(opts.keys / (r.ms / 1000))} keys/s)`, goal: '' });
      rows.push({ measure: 'Keys on the 3 primaries after loading (DBSIZE sum)', value: `${n(total)} / ${n(opts.keys)}`, goal: `= ${n(opts.keys)}`,
        ok: total === opts.keys });
      details.push(`load: keys per primary ${r.perPrimary.map(n).join(' / ')}`);
      if (total !== opts.keys) throw new Error(`DBSIZE sum ${total} after loading ${opts.keys} keys`);
    });
    if (loaded !== 'ok') return { rows, details };

    cluster = await clusterClient(config);
    const grow = await step('resharding 3→5', async () => {
      const r = await reshard(svc, cluster!, config, opts.keys, topology, 5, []);
      rows.push(...reshardRows(r, opts.keys));
      details.push(...reshardDetails(r));
      topology = r.topology;
    });
    if (!opts.quick && grow === 'ok') {
      await step('resharding 5→3', async () => {
        const r = await reshard(svc, cluster!, config, opts.keys, topology, 3, ['0004', '0005']);
        rows.push(...reshardRows(r, opts.keys));
        details.push(...reshardDetails(r));
      });
    }
    return { rows, details };
  } finally {
    cluster?.disconnect();
    progress(`deleting ${GROUP}`);
    await deleteSingle(client).catch(() => undefined);
    await deleteGroup(client, GROUP).catch(() => undefined);
    await waitGone(client, GROUP, 120_000).catch((e: Error) => console.error(`cluster: ${e.message}`));
  }
}
