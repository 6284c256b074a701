/**
 * Metrics collection's control-plane CPU (issue 13): the collector's own CPU per node per
 * collection, and what that makes at 100 and 1,000 nodes collected every 60 s and every 10 s.
 *
 * Measured twice, without the service:
 * - real nodes: a few redis-servers (with data and command history), read over real admin
 *   connections (AdminPool: ioredis, INFO all), /proc read for each node's pid, derived and put
 *   in a real SQLite metric store;
 * - many simulated nodes: the same INFO all text (captured from a real node, its counters moved on
 *   every collection) served by a fake reader, so 100 and 1,000 nodes fit on 2 cores; everything
 *   else (parsing, /proc reads of a real process, derivation, the SQLite store with rollups and
 *   compaction at its real cadence) is the real code.
 * CPU is process.cpuUsage() of this process around the collections (user + system), divided by
 * the simulated wall time (collections × period): the share of one core collection costs.
 *
 *   rows.push(...metricsRows(await measureMetrics({ counts: [100, 1000] })));
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminPool, whenReady } from '../src/engine/admin.js';
import { MetricsCollector, SqliteMetricStore, procfsReader, type NodeReader, type NodeTarget } from '../src/metrics/index.js';
import { silentLogger } from '../src/util/logger.js';
import { waitFor } from '../src/util/wait.js';
import { freePort } from '../test/helpers/net.js';
import { progress, type Row } from './stats.js';

export interface MetricsBenchOptions {
  /** Simulated node counts (default 100 and 1,000). */
  counts?: number[];
  /** Real redis-servers (default 3). */
  realNodes?: number;
  /** Collections measured per setting (default 12). */
  collections?: number;
}

export interface MetricsBenchResult {
  realNodes: number;
  /** CPU ms per node per collection, real nodes. */
  realCpuMsPerNode: number;
  simulated: {
    nodes: number; periodS: number; cpuMsPerCollection: number; cpuMsPerNode: number; coreShare: number; datumsPerCollection: number;
    /** metrics.db (with its WAL) bytes per node per collection, after the measured collections. */
    bytesPerNodeCollection: number;
  }[];
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function startRedis(dir: string, i: number): Promise<{ port: number; pid: number }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--dbfilename', `bench-${i}.rdb`], { stdio: 'ignore' });
  return { port, pid: child.pid! };
}

/** Runs `collections` collections with a clock advancing one period each; returns CPU ms spent. */
async function runCollections(collector: MetricsCollector, clock: { now: number }, periodMs: number, collections: number): Promise<number> {
  await collector.collect(); // the first: gauges only, and the command table is read
  clock.now += periodMs;
  const start = cpuMs();
  for (let i = 0; i < collections; i++) {
    await collector.collect();
    clock.now += periodMs;
  }
  return cpuMs() - start;
}

export async function measureMetrics(opts: MetricsBenchOptions = {}): Promise<MetricsBenchResult> {
  const counts = opts.counts ?? [100, 1000];
  const realNodes = opts.realNodes ?? 3;
  const collections = opts.collections ?? 12;
  const dir = await mkdtemp(join(tmpdir(), 'cachefleet-bench-metrics-'));
  const pids: number[] = [];
  const admin = new AdminPool({ commandTimeoutMs: 5000 });
  try {
    progress(`metrics: starting ${realNodes} redis-servers`);
    const nodes = await Promise.all(Array.from({ length: realNodes }, (_, i) => startRedis(dir, i)));
    pids.push(...nodes.map((n) => n.pid));
    const targets: NodeTarget[] = nodes.map((n, i) => ({
      key: `bench-${i}`, cacheClusterId: `bench-00${i + 1}`, cacheNodeId: '0001', replicationGroupId: 'bench', availabilityZone: 'us-east-1a',
      address: '127.0.0.1', port: n.port,
    }));
    for (const t of targets) {
      const c = await waitFor(async () => { const cl = admin.client(t.address, t.port); await whenReady(cl, 200).catch(() => undefined); return cl.status === 'ready' ? cl : undefined; },
        { timeoutMs: 10_000, what: `redis-server on ${t.port}` });
      // Some data and a command history, so INFO has keyspace and commandstats lines.
      const p = c.pipeline();
      for (let k = 0; k < 1000; k++) p.set(`k${k}`, 'v'.repeat(100)).get(`k${k}`).hset(`h${k % 10}`, `f${k}`, '1').lpush('l', k).sadd('s', k).zadd('z', k, `m${k}`);
      await p.exec();
    }
    const realReader: NodeReader = {
      info: async (t) => String(await (await admin.ready(t.address, t.port)).info('all')),
      commands: async (t) => (await admin.ready(t.address, t.port)).call('COMMAND'),
    };
    const clock = { now: Date.now() };
    const realStore = new SqliteMetricStore(join(dir, 'real.db'), { now: () => clock.now });
    const real = new MetricsCollector({ targets: async () => targets, reader: realReader, proc: procfsReader(), store: realStore, logger: silentLogger, now: () => clock.now },
      { periodMs: 10_000, concurrency: 8, compactEveryMs: 60_000 });
    progress(`metrics: ${collections} collections of ${realNodes} real nodes`);
    const realCpu = await runCollections(real, clock, 10_000, collections);
    await realStore.close();

    // The simulated fleet: node i answers the captured text with its counters moved on.
    const info = String(await (await admin.ready(targets[0]!.address, targets[0]!.port)).info('all'));
    const commands = await (await admin.ready(targets[0]!.address, targets[0]!.port)).call('COMMAND');
    const realPid = nodes[0]!.pid;
    let round = 0;
    const variants = Array.from({ length: 4 }, (_, v) => info
      .replace(/keyspace_hits:(\d+)/, (_m, n: string) => `keyspace_hits:${Number(n) + v * 100}`)
      .replace(/total_net_input_bytes:(\d+)/, (_m, n: string) => `total_net_input_bytes:${Number(n) + v * 5000}`)
      .replace(/cmdstat_get:calls=(\d+)/, (_m, n: string) => `cmdstat_get:calls=${Number(n) + v * 100}`)
      .replace(/process_id:\d+/, `process_id:${realPid}`));
    const fakeReader: NodeReader = { info: async () => variants[round % variants.length]!, commands: async () => commands };
    const simulated: MetricsBenchResult['simulated'] = [];
    for (const n of counts) {
      const fleet: NodeTarget[] = Array.from({ length: n }, (_, i) => ({
        key: `sim-${i}`, cacheClusterId: `sim-${String(i).padStart(4, '0')}`, cacheNodeId: '0001', replicationGroupId: `g${Math.floor(i / 3)}`,
        availabilityZone: 'us-east-1a', address: `127.1.${Math.floor(i / 250)}.${i % 250}`, port: 6379,
      }));
      for (const periodS of [60, 10]) {
        const simClock = { now: Date.now() };
        const store = new SqliteMetricStore(join(dir, `sim-${n}-${periodS}.db`), { now: () => simClock.now });
        const collector = new MetricsCollector({
          targets: async () => fleet, reader: { ...fakeReader, info: async () => variants[round % variants.length]! }, proc: procfsReader(), store, logger: silentLogger,
          now: () => simClock.now,
        }, { periodMs: periodS * 1000, concurrency: 8, compactEveryMs: 60_000 });
        let datums = 0;
        collector.onData((d) => { datums = d.length; round++; });
        progress(`metrics: ${collections} collections of ${n} simulated nodes every ${periodS} s`);
        const cpu = await runCollections(collector, simClock, periodS * 1000, collections);
        await store.close();
        const file = join(dir, `sim-${n}-${periodS}.db`);
        const bytes = (await stat(file)).size + ((await stat(`${file}-wal`).catch(() => undefined))?.size ?? 0);
        const perCollection = cpu / collections;
        simulated.push({
          nodes: n, periodS, cpuMsPerCollection: perCollection, cpuMsPerNode: perCollection / n, coreShare: perCollection / (periodS * 1000), datumsPerCollection: datums,
          bytesPerNodeCollection: bytes / n / (collections + 1),
        });
      }
    }
    return { realNodes, realCpuMsPerNode: realCpu / collections / realNodes, simulated };
  } finally {
    await admin.closeAll();
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    await rm(dir, { recursive: true, force: true });
  }
}

export function metricsRows(r: MetricsBenchResult): Row[] {
  return [
    { measure: `Metrics: collector CPU per node per collection, ${r.realNodes} real nodes (INFO all over admin connections)`, value: `${r.realCpuMsPerNode.toFixed(2)} ms`, goal: '' },
    ...r.simulated.filter((s) => s.periodS === 60).map((s) => ({
      measure: `Metrics: store size, ${s.nodes.toLocaleString('en-US')} nodes every 60 s (1-minute tier, before rollups)`,
      value: `${Math.round(s.bytesPerNodeCollection)} B per node per minute (${((s.bytesPerNodeCollection * 1440) / 1e6).toFixed(1)} MB per node per day)`,
      goal: '',
    })),
    ...r.simulated.map((s) => ({
      measure: `Metrics: ${s.nodes.toLocaleString('en-US')} nodes every ${s.periodS} s (simulated INFO): control-plane CPU`,
      value: `${(100 * s.coreShare).toFixed(2)}% of a core (${s.cpuMsPerCollection.toFixed(0)} ms a collection, ${s.cpuMsPerNode.toFixed(2)} ms/node, ${s.datumsPerCollection.toLocaleString('en-US')} datums)`,
      goal: s.nodes <= 100 ? '< 1% of a core' : '< 10% of a core',
      ok: s.nodes <= 100 ? s.coreShare < 0.01 : s.coreShare < 0.1,
    })),
  ];
}
