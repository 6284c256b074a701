/**
 * Backups, measured on raw redis-server processes (not the whole service), with `keys` keys of
 * about 1 KB each (1,000,000 ≈ 1 GB):
 *   - capture: a replica's RDB streamed out by the engine (SYNC, checked by redis-check-rdb as it
 *     streams), time and MB/s, beside the node's own transfer to a file (`redis-cli --rdb`);
 *   - restore: into 1 cluster-mode-disabled shard (its primary loads the RDB itself), the same
 *     through MIGRATE, and into a 3-shard Redis Cluster (MIGRATE by slot);
 *   - the p99 latency of GETs on the primary (redis-benchmark) while its replica is captured, as a
 *     ratio of the p99 without a capture (and, for reference, during the node's own transfer to
 *     redis-cli --rdb), runs alternating so load drift hits each alike.
 *
 *   const r = await measureBackups({ keys: 1_000_000 });
 *   rows.push(...backupsRows(r));
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AdminPool, observeNode, replicaOf } from '../src/engine/admin.js';
import { LocalProcessProvider } from '../src/engine/local-provider.js';
import { evenSlotRanges } from '../src/engine/slot-plan.js';
import { captureRdb, restoreInto } from '../src/snapshots/engine/index.js';
import type { TargetShard } from '../src/snapshots/types.js';
import { waitFor } from '../src/util/wait.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { REDIS_SERVER, testNodeSpec } from '../test/helpers/redis.js';
import { TestCluster } from '../test/helpers/redis-cluster.js';
import { benchmarkLatency, fillMixed, type Endpoint, type LatencyRun } from './backups-data.js';
import { median, ms, now, progress, ratio, sec, type Row } from './stats.js';

export interface BackupsResult {
  keys: number;
  /** used_memory of the primary holding the data. */
  datasetBytes: number;
  rdbBytes: number;
  fillMs: number;
  captureMs: number[];
  /** The node's own transfer into a file on tmpfs (redis-cli --rdb): the floor of a capture. */
  cliRdbMs: number;
  /** One capture with the replica's `rdbcompression yes` (Redis's default; cache nodes run with `no`). */
  withLzf: { bytes: number; ms: number };
  restoreOneMs: number;
  restoreOneMigrateMs: number;
  restoreThreeMs: number;
  baseline: LatencyRun[];
  during: LatencyRun[];
  /** The same during the node's own transfer (redis-cli --rdb): what the replica's fork costs without the engine. */
  duringCli: LatencyRun[];
  /** Per run with a capture: the share of the latency run that overlapped the capture. */
  overlap: number[];
}

const mbps = (bytes: number, msTaken: number) => `${(bytes / 1e6 / (msTaken / 1000)).toFixed(0)} MB/s`;

export async function measureBackups(opts: { keys: number; quick?: boolean }): Promise<BackupsResult> {
  const cleanup = new Cleanup();
  const pool = new AdminPool({ commandTimeoutMs: 60_000 });
  cleanup.defer(() => pool.closeAll());
  try {
    const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-bench-backups-') });
    const start = async () => {
      const spec = await testNodeSpec();
      const st = await provider.ensureRunning(spec);
      cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
      await pool.ready(spec.address, spec.port);
      return { ...spec, pid: st.pid };
    };
    const [primary, replica, single] = await Promise.all([start(), start(), start()]);
    const ep = (s: { address: string; port: number }): Endpoint => ({ host: s.address, port: s.port });

    progress(`backups: writing ${opts.keys.toLocaleString('en-US')} keys of ~1 KB`);
    let t = now();
    await fillMixed(ep(primary), opts.keys);
    const fillMs = now() - t;
    const datasetBytes = (await observeNode(pool.client(primary.address, primary.port))).usedMemory;
    await replicaOf(pool.client(replica.address, replica.port), primary);
    await waitFor(async () => {
      const [p, r] = await Promise.all([observeNode(pool.client(primary.address, primary.port)), observeNode(pool.client(replica.address, replica.port))]);
      return r.linkUp && r.replOffset === p.replOffset;
    }, { timeoutMs: 300_000, intervalMs: 200, what: 'the replica in sync' });

    // As the service captures a local replica: its fork child reniced (fork-priority.ts).
    const capturing = replica.pid !== undefined ? { nodePid: replica.pid } : {};
    // Capture: the first run keeps the bytes (the restores' source), the others go to a null sink.
    const chunks: Buffer[] = [];
    const captureMs: number[] = [];
    let rdbBytes = 0;
    for (let i = 0; i < (opts.quick ? 2 : 3); i++) {
      t = now();
      const c = captureRdb({ address: replica.address, port: replica.port }, capturing);
      await pipeline(c.stream, new Writable({ write: (chunk: Buffer, _e, cb) => { if (i === 0) chunks.push(chunk); cb(); } }));
      rdbBytes = (await c.done).bytes;
      captureMs.push(now() - t);
      progress(`backups: capture ${i + 1}: ${sec(captureMs.at(-1)!)}, ${mbps(rdbBytes, captureMs.at(-1)!)}`);
    }
    const cliRdbMs = await cliRdb(ep(replica));
    // What Redis's default LZF compression of the RDB would cost a capture (cache nodes run
    // without it, src/engine/config.ts; the values are random, so it saves nothing).
    const replicaAdmin = pool.client(replica.address, replica.port);
    await replicaAdmin.call('CONFIG', 'SET', 'rdbcompression', 'yes');
    t = now();
    const plain = captureRdb({ address: replica.address, port: replica.port }, capturing);
    await pipeline(plain.stream, new Writable({ write: (_chunk, _e, cb) => cb() }));
    const withLzf = { bytes: (await plain.done).bytes, ms: now() - t };
    await replicaAdmin.call('CONFIG', 'SET', 'rdbcompression', 'no');
    progress(`backups: capture with the replica's rdbcompression yes: ${sec(withLzf.ms)}, ${mbps(withLzf.bytes, withLzf.ms)}`);

    // Latency on the primary, without and with a capture of its replica.
    const requests = opts.quick ? 30_000 : 100_000;
    const baseline: LatencyRun[] = [];
    const during: LatencyRun[] = [];
    const duringCli: LatencyRun[] = [];
    const overlap: number[] = [];
    for (let i = 0; i < 3; i++) {
      baseline.push(await benchmarkLatency(ep(primary), requests));
      const c = captureRdb({ address: replica.address, port: replica.port }, capturing);
      const streamed = pipeline(c.stream, new Writable({ write: (_chunk, _e, cb) => cb() }));
      const t0 = now();
      during.push(await benchmarkLatency(ep(primary), requests));
      const tBench = now();
      await streamed;
      await c.done;
      const tCapture = now();
      overlap.push(Math.min(1, (tCapture - t0) / (tBench - t0)));
      const cli = cliRdb(ep(replica));
      duringCli.push(await benchmarkLatency(ep(primary), requests));
      await cli;
      progress(`backups: p99 ${ms(baseline.at(-1)!.p99, 3)} without, ${ms(during.at(-1)!.p99, 3)} during a capture, ` +
        `${ms(duringCli.at(-1)!.p99, 3)} during redis-cli --rdb`);
    }

    const source = () => async () => Readable.from(chunks);
    const restore = async (what: string, shards: TargetShard[], method: 'auto' | 'migrate') => {
      const workDir = await cleanup.tmpDir('cachefleet-bench-restore-');
      const t0 = now();
      const r = await restoreInto([source()], shards, { redisServer: REDIS_SERVER, workDir, method });
      const took = now() - t0;
      progress(`backups: restore ${what}: ${sec(took)} (${r.keys.toLocaleString('en-US')} keys)`);
      await rm(workDir, { recursive: true, force: true });
      return { took, keys: r.keys };
    };
    const singleTarget = [{ primary: { address: single.address, port: single.port } }];
    const one = await restore('into 1 shard (the primary loads it)', singleTarget, 'auto');
    await pool.client(single.address, single.port).call('FLUSHALL', 'SYNC');
    const oneMigrate = await restore('into 1 shard (MIGRATE)', singleTarget, 'migrate');
    await pool.client(single.address, single.port).call('FLUSHALL', 'SYNC');

    const testCleanup = new Cleanup();
    cleanup.defer(() => testCleanup.run());
    const tc = await TestCluster.create(testCleanup, 'cachefleet-bench-cluster-');
    const nodes = await tc.startNodes(3);
    await tc.meetAll(nodes, 'mesh');
    const ranges = evenSlotRanges(3);
    await tc.formShards(nodes.map((n) => [n]), ranges);
    const three = await restore('into 3 shards (MIGRATE)', nodes.map((n, i) => ({ primary: { address: n.address, port: n.port }, slots: ranges[i]! })), 'auto');
    for (const r of [one, oneMigrate, three]) {
      if (r.keys !== opts.keys) throw new Error(`a restore moved ${r.keys} keys, not ${opts.keys}`);
    }
    return {
      keys: opts.keys, datasetBytes, rdbBytes, fillMs, captureMs, cliRdbMs, withLzf,
      restoreOneMs: one.took, restoreOneMigrateMs: oneMigrate.took, restoreThreeMs: three.took,
      baseline, during, duringCli, overlap,
    };
  } finally {
    await cleanup.run();
  }
}

/** `redis-cli --rdb` into a file on tmpfs (removed after): the node's own transfer, without the engine. */
async function cliRdb(ep: Endpoint): Promise<number> {
  // tmpfs where there is one: the disk is not what is measured.
  const file = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `cachefleet-bench-${process.pid}.rdb`);
  const t0 = now();
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('redis-cli', ['-h', ep.host, '-p', String(ep.port), '--rdb', file], { timeout: 300_000 }, (err) => (err ? reject(err) : resolve()));
    });
    return now() - t0;
  } finally {
    await rm(file, { force: true });
  }
}

export function backupsRows(r: BackupsResult): Row[] {
  const capture = median(r.captureMs);
  const p99Ratio = median(r.during.map((d) => d.p99)) / median(r.baseline.map((b) => b.p99));
  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
  return [
    { measure: `Backups: data set, ${r.keys.toLocaleString('en-US')} keys (used_memory / RDB; written in)`, value: `${gb(r.datasetBytes)} / ${gb(r.rdbBytes)}; ${sec(r.fillMs)}`, goal: '≈ 1 GB' },
    { measure: 'Backups: capture of a replica (engine, checked; median)', value: `${sec(capture)}, ${mbps(r.rdbBytes, capture)}`, goal: '< 10 s', ok: capture < 10_000 },
    { measure: 'Backups: the node\'s own transfer to tmpfs (redis-cli --rdb)', value: `${sec(r.cliRdbMs)}, ${mbps(r.rdbBytes, r.cliRdbMs)}`, goal: '' },
    { measure: 'Backups: capture of a replica with Redis\'s default rdbcompression yes', value: `${sec(r.withLzf.ms)}, ${mbps(r.withLzf.bytes, r.withLzf.ms)}`, goal: '' },
    { measure: 'Backups: restore into 1 shard (loader check, then the primary loads it)', value: sec(r.restoreOneMs), goal: '< 10 s', ok: r.restoreOneMs < 10_000 },
    { measure: 'Backups: restore into 1 shard through MIGRATE', value: sec(r.restoreOneMigrateMs), goal: '' },
    { measure: 'Backups: restore into 3 shards (MIGRATE by slot)', value: sec(r.restoreThreeMs), goal: '< 10 s', ok: r.restoreThreeMs < 10_000 },
    {
      measure: 'Backups: primary p99 (GET -c 8) during a replica capture / without',
      value: `${ratio(p99Ratio)} (${ms(median(r.during.map((d) => d.p99)), 3)} / ${ms(median(r.baseline.map((b) => b.p99)), 3)}; overlap ${r.overlap.map((o) => o.toFixed(2)).join(', ')})`,
      goal: '≤ 1.2', ok: p99Ratio <= 1.2,
    },
    {
      measure: 'Backups: primary p99 during the node\'s own transfer (redis-cli --rdb) / without',
      value: ratio(median(r.duringCli.map((d) => d.p99)) / median(r.baseline.map((b) => b.p99))),
      goal: '',
    },
  ];
}
