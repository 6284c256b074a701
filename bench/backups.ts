/**
 * Backups, measured on raw redis-server processes (not the whole service), with `keys` keys of
 * about 1 KB each (1,000,000 ≈ 1 GB):
 *   - capture: a replica's RDB streamed out by the engine (SYNC, checked by redis-check-rdb as it
 *     streams), time and MB/s, beside the node's own transfer to a file (`redis-cli --rdb`);
 *   - restore: into 1 cluster-mode-disabled shard (its primary loads the RDB itself), and into a
 *     3-shard Redis Cluster, as a pipelined stream (GET/SET, DUMP/RESTORE) and (to compare) by MIGRATE;
 *     then a 3-shard snapshot (each shard's RDB captured from those 3 shards) into the same 3 shards,
 *     each primary restarted on its own file (as the service restores a snapshot into its own shape);
 *   - the p99 latency of GETs on the primary while its replica is captured, as a ratio of the p99
 *     without a capture, with the CPU each process used meanwhile (backups-latency.ts);
 *   - the whole path of a backup and of its restore: capture → framing (plain, zstd, zstd +
 *     AES-256-GCM) → the snapshot store, and back (backups-pipeline.ts).
 *
 *   const r = await measureBackups({ keys: 1_000_000 });
 *   rows.push(...backupsRows(r));
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AdminPool, observeNode, replicaOf } from '../src/engine/admin.js';
import { LocalProcessProvider } from '../src/engine/local-provider.js';
import { evenSlotRanges } from '../src/engine/slot-plan.js';
import { captureRdb, restoreInto, type RestoreOptions } from '../src/snapshots/engine/index.js';
import type { TargetShard } from '../src/snapshots/types.js';
import { waitFor } from '../src/util/wait.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { REDIS_SERVER, testNodeSpec } from '../test/helpers/redis.js';
import { redisCliCheck, TestCluster } from '../test/helpers/redis-cluster.js';
import { cliRdb } from './backups-cli.js';
import { fillMixed, type Endpoint } from './backups-data.js';
import { measureCaptureLatency, type LatencyMode, type LatencyResult } from './backups-latency.js';
import { measurePipeline, type PipelineResult } from './backups-pipeline.js';
import { formatCpu, startCpuSampler } from './proc-cpu.js';
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
  /** Into 3 shards: the pipelined stream (the default), and MIGRATE by slot (before). */
  restoreThreeMs: number;
  restoreThreeMigrateMs: number;
  /** A 3-shard snapshot (each shard's RDB, captured from the 3 shards just restored) into the same 3 shards. */
  restoreSameShapeMs: number;
  latency: LatencyResult;
  /** The same with one client (one request at a time): a primary with headroom. */
  latencyOneClient: LatencyResult;
  pipeline: PipelineResult;
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

    const latency = await measureCaptureLatency({ primary: { ...ep(primary), pid: primary.pid! }, replica: { ...ep(replica), pid: replica.pid! } },
      { rounds: opts.quick ? 2 : 3, requests: opts.quick ? 100_000 : 300_000 });
    // One client: about 25,000 GETs a second here, so 150,000 outlast a 1 GB capture.
    const latencyOneClient = await measureCaptureLatency({ primary: { ...ep(primary), pid: primary.pid! }, replica: { ...ep(replica), pid: replica.pid! } },
      { rounds: opts.quick ? 2 : 3, requests: opts.quick ? 30_000 : 150_000, clients: 1, modes: ['without', 'capture'] });

    const source = () => async () => Readable.from(chunks);
    // Who is who among this process's children, for the restores' CPU by process (the rest are loaders and the RDB checker).
    const roles = new Map<number | undefined, string>([[primary.pid, 'source primary'], [replica.pid, 'source replica'], [single.pid, 'targets']]);
    const restore = async (what: string, shards: TargetShard[], method: RestoreOptions['method'], sources = [source()], more: Partial<RestoreOptions> = {}) => {
      const workDir = await cleanup.tmpDir('cachefleet-bench-restore-');
      const sampler = startCpuSampler([process.pid]);
      const t0 = now();
      const r = await restoreInto(sources, shards, { redisServer: REDIS_SERVER, workDir, ...(method ? { method } : {}), ...more });
      const took = now() - t0;
      const cpu = await sampler.stop((p) => (p.pid === process.pid ? 'service' : roles.get(p.pid) ?? (p.comm === 'redis-server' ? 'loader' : /^redis-check|^cat$/.test(p.comm) ? 'checker' : undefined)));
      progress(`backups: restore ${what}: ${sec(took)} (${r.keys.toLocaleString('en-US')} keys); CPU ${formatCpu(cpu)}`);
      if (r.keys !== opts.keys) throw new Error(`a restore moved ${r.keys} keys, not ${opts.keys}`);
      return took;
    };
    const flush = (shards: TargetShard[]) => Promise.all(shards.map(async (s) => (await pool.ready(s.primary.address, s.primary.port)).call('FLUSHALL', 'SYNC')));
    const singleTarget = [{ primary: { address: single.address, port: single.port } }];
    const restoreOneMs = await restore('into 1 shard (the primary loads it)', singleTarget, 'auto');

    const testCleanup = new Cleanup();
    cleanup.defer(() => testCleanup.run());
    const tc = await TestCluster.create(testCleanup, 'cachefleet-bench-cluster-');
    const nodes = await tc.startNodes(3);
    for (const n of nodes) roles.set(n.pid, 'targets');
    await tc.meetAll(nodes, 'mesh');
    const ranges = evenSlotRanges(3);
    await tc.formShards(nodes.map((n) => [n]), ranges);
    const clusterTarget = nodes.map((n, i) => ({ primary: { address: n.address, port: n.port }, slots: ranges[i]! }));
    const restoreThreeMs = await restore('into 3 shards (pipelined GET/SET, DUMP/RESTORE)', clusterTarget, undefined);
    const check = await redisCliCheck(nodes[0]!);
    if (check.code !== 0 || !/All 16384 slots covered/.test(check.output)) throw new Error(`redis-cli --cluster check after the restore:\n${check.output}`);
    const sizes = await Promise.all(nodes.map((n) => n.client.dbsize()));
    if (sizes.reduce((a, b) => a + b, 0) !== opts.keys) throw new Error(`the 3 shards hold ${sizes.join(' + ')} keys, not ${opts.keys}`);
    // A 3-shard snapshot: each shard's RDB, captured from the shards just restored (to files: this
    // process already holds the source RDB), restored into the same 3 shards.
    const shardFiles = await Promise.all(nodes.map(async (n, i) => {
      const file = join(await cleanup.tmpDir('cachefleet-bench-shard-rdb-'), `shard-${i}.rdb`);
      const c = captureRdb({ address: n.address, port: n.port });
      await pipeline(c.stream, createWriteStream(file));
      await c.done;
      return file;
    }));
    await flush(clusterTarget);
    // As the service does it: each primary restarted on its own shard's file (the files are the
    // service's own snapshot, trusted), through the node provider.
    const seed = { restart: async (i: number, rdb: Readable, signal: AbortSignal) => {
      const n = nodes[i]!;
      const st = await tc.provider.restartOnData(n.spec, rdb, { signal });
      n.pid = st.pid;
      testCleanup.trackPid(st.pid, tc.provider.paths(n.spec.key).conf);
      roles.set(st.pid, 'targets');
    } };
    const restoreSameShapeMs = await restore('a 3-shard snapshot into 3 shards (same slots: each primary restarted on its file)', clusterTarget, undefined,
      shardFiles.map((f) => async () => createReadStream(f, { highWaterMark: 1 << 20 })), { seed, trustedSources: true });
    const sameSizes = await Promise.all(nodes.map((n) => n.client.dbsize()));
    if (sameSizes.join() !== sizes.join()) throw new Error(`the 3 shards hold ${sameSizes.join(' + ')} keys after the 3-shard restore, not ${sizes.join(' + ')}`);
    await flush(clusterTarget);
    const restoreThreeMigrateMs = await restore('into 3 shards (MIGRATE by slot)', clusterTarget, 'migrate');

    const whole = await measurePipeline(cleanup, {
      replica: { address: replica.address, port: replica.port, pid: replica.pid! },
      single: singleTarget, cluster: clusterTarget, flush: async (s) => { await flush(s); }, keys: opts.keys,
    });
    return {
      keys: opts.keys, datasetBytes, rdbBytes, fillMs, captureMs, cliRdbMs, withLzf,
      restoreOneMs, restoreThreeMs, restoreThreeMigrateMs, restoreSameShapeMs, latency, latencyOneClient, pipeline: whole,
    };
  } finally {
    await cleanup.run();
  }
}

export function backupsRows(r: BackupsResult): Row[] {
  const capture = median(r.captureMs);
  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
  const p99 = (m: LatencyMode, l = r.latency) => median(l.runs[m].map((d) => d.p99));
  const p99Ratio = (m: LatencyMode, l = r.latency) => p99(m, l) / p99('without', l);
  const one = r.latencyOneClient;
  const underLoad = (m: Exclude<LatencyMode, 'without'>) => sec(median(r.latency.captureMs[m]));
  const backup = (f: string) => r.pipeline.backups.find((b) => b.framing === f)!;
  const plain = backup('plain');
  const encrypted = backup('zstd+aes');
  // What encryption costs a user: the service stores every backup zstd-compressed, so an encrypted
  // backup is measured against the unencrypted one it would otherwise be (the raw RDB line below is
  // how much the whole framing costs over writing the capture as it comes).
  const encRatio = encrypted.ms / backup('zstd').ms;
  const whole = (f: string) => {
    const b = backup(f);
    return `${sec(b.ms)}, ${mbps(b.rdbBytes, b.ms)} (stored ${(b.storedBytes / b.rdbBytes).toFixed(3)} of the RDB)`;
  };
  return [
    { measure: `Backups: data set, ${r.keys.toLocaleString('en-US')} keys (used_memory / RDB; written in)`, value: `${gb(r.datasetBytes)} / ${gb(r.rdbBytes)}; ${sec(r.fillMs)}`, goal: '≈ 1 GB' },
    { measure: 'Backups: capture of a replica (engine, checked; median)', value: `${sec(capture)}, ${mbps(r.rdbBytes, capture)}`, goal: '< 10 s', ok: capture < 10_000 },
    { measure: 'Backups: the node\'s own transfer to tmpfs (redis-cli --rdb)', value: `${sec(r.cliRdbMs)}, ${mbps(r.rdbBytes, r.cliRdbMs)}`, goal: '' },
    { measure: 'Backups: capture of a replica with Redis\'s default rdbcompression yes', value: `${sec(r.withLzf.ms)}, ${mbps(r.withLzf.bytes, r.withLzf.ms)}`, goal: '' },
    { measure: 'Backups: whole backup, plain (capture → store, fsync; best of 3)', value: whole('plain'), goal: '< 10 s', ok: plain.ms < 10_000 },
    { measure: 'Backups: whole backup, zstd (best of 3)', value: whole('zstd'), goal: '< 10 s', ok: backup('zstd').ms < 10_000 },
    { measure: 'Backups: whole backup, zstd + AES-256-GCM (best of 3)', value: whole('zstd+aes'), goal: '< 10 s', ok: encrypted.ms < 10_000 },
    { measure: 'Backups: whole backup, encrypted / unencrypted (zstd + AES-256-GCM / zstd, both as the service stores backups)', value: ratio(encRatio), goal: '< 1.20', ok: encRatio < 1.2 },
    { measure: 'Backups: whole backup, zstd + AES-256-GCM / the raw RDB unframed', value: ratio(encrypted.ms / plain.ms), goal: '' },
    { measure: 'Backups: restore into 1 shard (redis-check-rdb, then the primary loads it)', value: sec(r.restoreOneMs), goal: '< 10 s', ok: r.restoreOneMs < 10_000 },
    { measure: 'Backups: restore into 3 shards (pipelined GET/SET, DUMP/RESTORE)', value: sec(r.restoreThreeMs), goal: '< 10 s', ok: r.restoreThreeMs < 10_000 },
    { measure: 'Backups: restore a 3-shard snapshot into 3 shards with the same slots (each primary restarted on its own file)', value: sec(r.restoreSameShapeMs), goal: '< 10 s', ok: r.restoreSameShapeMs < 10_000 },
    { measure: 'Backups: restore into 3 shards (MIGRATE by slot, before)', value: `${sec(r.restoreThreeMigrateMs)} (pipelined / MIGRATE ${ratio(r.restoreThreeMs / r.restoreThreeMigrateMs)})`, goal: '' },
    { measure: 'Backups: whole restore from the stored encrypted object into 1 shard (read once, into the primary)', value: sec(r.pipeline.restoreOneMs), goal: '< 10 s', ok: r.pipeline.restoreOneMs < 10_000 },
    { measure: 'Backups: whole restore from the stored zstd object (not encrypted) into 1 shard (read once, into the primary)', value: sec(r.pipeline.restoreOneZstdMs), goal: '< 10 s', ok: r.pipeline.restoreOneZstdMs < 10_000 },
    { measure: 'Backups: the same, read twice (redis-check-rdb first, then the primary), as imported RDBs are', value: `${sec(r.pipeline.restoreOneTwiceMs)} (once / twice ${ratio(r.pipeline.restoreOneMs / r.pipeline.restoreOneTwiceMs)})`, goal: '' },
    { measure: 'Backups: whole restore from the stored encrypted object into 3 shards', value: sec(r.pipeline.restoreThreeMs), goal: '< 10 s', ok: r.pipeline.restoreThreeMs < 10_000 },
    {
      measure: 'Backups: primary p99 (GET -c 8) during a replica capture / without',
      value: `${ratio(p99Ratio('capture'))} (${ms(p99('capture'), 3)} / ${ms(p99('without'), 3)}; the capture under load ${underLoad('capture')})`,
      goal: '≤ 1.2', ok: p99Ratio('capture') <= 1.2,
    },
    { measure: 'Backups: CPU during a capture under load, by process', value: r.latency.cpu.capture, goal: '' },
    {
      measure: 'Backups: primary p99 (GET -c 1, one request at a time) during a replica capture / without',
      value: `${ratio(p99Ratio('capture', one))} (${ms(p99('capture', one), 3)} / ${ms(p99('without', one), 3)}; the capture ${sec(median(one.captureMs.capture))})`,
      goal: '≤ 1.2', ok: p99Ratio('capture', one) <= 1.2,
    },
    {
      measure: 'Backups: primary p99 during the node\'s own transfer (redis-cli --rdb) / without',
      value: `${ratio(p99Ratio('cli'))} (${ms(p99('cli'), 3)}; the transfer under load ${underLoad('cli')})`, goal: '',
    },
  ];
}
