/**
 * Point-in-time restore, measured on real nodes (no service needed): a primary and a replica
 * started by the engine's local provider, an archiver following the replica into a folder store,
 * `redis-benchmark` writing `commands` SETs (1,000,000 by default, 100-byte values), then a restore
 * to the last second, timed in its parts: reading the archive out of the store (base + segments,
 * decoded), `redis-check-aof --truncate-to-timestamp`, and Redis loading base + AOF in the loader.
 * Also: how fast the recorder keeps up with the writes (archive lag when redis-benchmark ends).
 *
 *   const r = await measurePitrReplay({ commands: 1_000_000 });
 *   rows.push(...pitrRows(r));
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createZstdCompress, createZstdDecompress } from 'node:zlib';
import { Redis } from 'ioredis';
import { replicaOf } from '../src/engine/admin.js';
import { LocalProcessProvider } from '../src/engine/local-provider.js';
import type { NodeSpec } from '../src/engine/types.js';
import { ShardArchiver, restoreToTime } from '../src/snapshots/pitr/index.js';
import { waitFor } from '../src/util/wait.js';
import { FolderObjectStore } from '../test/helpers/folder-object-store.js';
import { freePort } from '../test/helpers/net.js';
import { progress, rps, sec, type Row } from './stats.js';

export interface PitrOptions {
  /** SETs written (default 1,000,000). */
  commands?: number;
  valueBytes?: number;
  /** Frame the archive with zstd (as the snapshot store compresses) instead of plain. Default true. */
  zstd?: boolean;
}

export interface PitrResult {
  commands: number;
  keys: number;
  zstd: boolean;
  /** AOF bytes replayed (decoded) and stored (framed). */
  aofBytes: number;
  storedBytes: number;
  baseBytes: number;
  segments: number;
  writeMs: number;
  /** Archive lag when the writer finished: ms until the recording held every write. */
  recordLagMs: number;
  restoreMs: number;
  fetchMs: number;
  truncateMs: number;
  loadMs: number;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 600_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      (err ? reject(new Error(`${cmd}: ${err.message} ${stderr}`)) : resolve(stdout)));
  });
}

const offsetOf = async (c: Redis) => Number(/master_repl_offset:(\d+)/.exec(await c.info('replication'))![1]);

export async function measurePitrReplay(opts: PitrOptions = {}): Promise<PitrResult> {
  const commands = opts.commands ?? 1_000_000;
  const zstd = opts.zstd ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'cachefleet-bench-pitr-'));
  const provider = new LocalProcessProvider({ nodesDir: join(dir, 'nodes') });
  const specs: NodeSpec[] = [];
  const clients: Redis[] = [];
  let archiver: ShardArchiver | undefined;
  try {
    for (let i = 0; i < 2; i++) {
      const spec: NodeSpec = { key: `pitr-bench-${i}`, binary: 'redis-server', address: '127.0.0.1', port: await freePort(), config: {} };
      await provider.ensureRunning(spec);
      specs.push(spec);
    }
    const [primary, replica] = specs.map((s) => {
      const c = new Redis({ host: s.address, port: s.port, maxRetriesPerRequest: 1 });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    }) as [Redis, Redis];
    await waitFor(async () => (await replica.ping()) === 'PONG', { what: 'the replica' });
    await replicaOf(replica, specs[0]!);
    await waitFor(async () => /master_link_status:up/.test(await replica.info('replication')), { what: 'the replica link' });

    const store = new FolderObjectStore(join(dir, 'store'));
    const encode = (r: Readable): Readable => (zstd ? r.pipe(createZstdCompress()) : r);
    const decode = (r: Readable): Readable => (zstd ? r.pipe(createZstdDecompress()) : r);
    const prefix = 'pitr/bench/0001/';
    archiver = new ShardArchiver({
      store, prefix, encode, flushIntervalMs: 1000,
      source: () => ({ address: specs[1]!.address, port: specs[1]!.port }),
    });
    archiver.start();
    const a = archiver;
    await waitFor(() => a.status().state === 'recording', { what: 'the archiver to record' });

    progress(`pitr: writing ${commands.toLocaleString('en-US')} SETs with redis-benchmark`);
    const t0 = performance.now();
    await run('redis-benchmark', ['-h', specs[0]!.address, '-p', String(specs[0]!.port), '-t', 'set', '-n', String(commands),
      '-r', String(commands), '-d', String(opts.valueBytes ?? 100), '-P', '64', '-q']);
    const t1 = performance.now();
    const target = await offsetOf(primary);
    await waitFor(() => (a.status().recordedOffset ?? 0) >= target, { timeoutMs: 300_000, intervalMs: 5, what: 'the recording to catch up' });
    const t2 = performance.now();
    const tEnd = Date.now();
    const next = (Math.floor(tEnd / 1000) + 1) * 1000;
    await waitFor(() => Date.now() >= next, { timeoutMs: 2000, intervalMs: 5, what: 'the next second' });
    await archiver.flush();
    await waitFor(() => (a.status().archivedOffset ?? 0) >= target, { timeoutMs: 300_000, what: 'the archive to hold every write' });
    const keys = await primary.dbsize();
    const storedBytes = (await store.list(`${prefix}segments/`)).reduce((n, o) => n + o.bytes, 0);

    progress('pitr: restoring to the last second');
    const r0 = performance.now();
    const r = await restoreToTime({ store, prefix, decode, time: new Date(tEnd), workDir: dir });
    const restoreMs = performance.now() - r0;
    try {
      if (r.keys !== keys) throw new Error(`the restore holds ${r.keys} keys, the primary ${keys}`);
    } finally {
      await r.close();
    }
    return {
      commands, keys, zstd, aofBytes: r.bytes.aofReplayed, storedBytes, baseBytes: r.bytes.base, segments: r.segments,
      writeMs: t1 - t0, recordLagMs: t2 - t1, restoreMs, ...r.timings,
    };
  } finally {
    await archiver?.stop().catch(() => undefined);
    clients.forEach((c) => c.disconnect());
    for (const s of specs) await provider.remove(s.key).catch(() => undefined);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const mbps = (bytes: number, msv: number) => `${(bytes / 1e6 / (msv / 1000)).toFixed(0)} MB/s`;

export function pitrRows(r: PitrResult): Row[] {
  const n = r.commands;
  return [
    {
      measure: `PITR replay: restore to a second, ${n.toLocaleString('en-US')} SETs since the base (${mb(r.aofBytes)} AOF, ${r.segments} segments${r.zstd ? ', zstd' : ''}) → loader ready`,
      value: `${sec(r.restoreMs)} (${rps(n / (r.restoreMs / 1000))} commands/s, ${mbps(r.aofBytes, r.restoreMs)})`, goal: '',
    },
    { measure: 'PITR replay: Redis loading base + AOF in the loader', value: `${sec(r.loadMs)} (${rps(n / (r.loadMs / 1000))} commands/s, ${mbps(r.aofBytes, r.loadMs)})`, goal: '' },
    { measure: `PITR replay: archive read and decoded (${mb(r.storedBytes)} stored) / redis-check-aof cut`, value: `${sec(r.fetchMs)} / ${sec(r.truncateMs)}`, goal: '' },
    { measure: `PITR recording: archive lag when ${n.toLocaleString('en-US')} pipelined SETs end (written in ${sec(r.writeMs)})`, value: sec(r.recordLagMs), goal: '' },
  ];
}
