/**
 * Restore into 3 shards, taken apart (`--only 'restore 3 shards'`): the backups section's data set
 * (fillMixed, 1,000,000 keys of ~1 KB) captured once from a raw redis-server, then restored
 * `rounds` times into a 3-node Redis Cluster with the default method (a loader, then the pipelined
 * DUMP/RESTORE stream), each round timed in its two phases (the loader's load; the keys moved)
 * with the CPU each process used (bench/proc-cpu.ts): where the time of issue 12's "restore 1 GB
 * into 3 shards in under 10 s" goes, without the 5 minutes of the whole backups section.
 *
 *   const r = await measureRestoreThree({ keys: 1_000_000, rounds: 2 });
 *   rows.push(...restoreThreeRows(r));
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AdminPool } from '../src/engine/admin.js';
import { LocalProcessProvider } from '../src/engine/local-provider.js';
import { evenSlotRanges } from '../src/engine/slot-plan.js';
import { captureRdb, restoreInto } from '../src/snapshots/engine/index.js';
import { createLogger } from '../src/util/logger.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { REDIS_SERVER, testNodeSpec } from '../test/helpers/redis.js';
import { redisCliCheck, TestCluster } from '../test/helpers/redis-cluster.js';
import { fillMixed } from './backups-data.js';
import { formatCpu, startCpuSampler } from './proc-cpu.js';
import { median, now, progress, sec, type Row } from './stats.js';

export interface RestoreThreeRound {
  ms: number;
  /** Until the loader had loaded the RDB (the targets untouched). */
  loadMs: number;
  /** CPU seconds by process: loader, targets, service, rest of the host. */
  cpu: Map<string, number>;
}

export interface RestoreThreeResult { keys: number; rdbBytes: number; rounds: RestoreThreeRound[] }

export async function measureRestoreThree(opts: { keys: number; rounds: number }): Promise<RestoreThreeResult> {
  const cleanup = new Cleanup();
  const pool = new AdminPool({ commandTimeoutMs: 60_000 });
  cleanup.defer(() => pool.closeAll());
  try {
    const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-bench-restore3-') });
    const spec = await testNodeSpec();
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    await pool.ready(spec.address, spec.port);
    progress(`restore 3 shards: writing ${opts.keys.toLocaleString('en-US')} keys of ~1 KB`);
    await fillMixed({ host: spec.address, port: spec.port }, opts.keys);
    const chunks: Buffer[] = [];
    const capture = captureRdb({ address: spec.address, port: spec.port });
    await pipeline(capture.stream, new Writable({ write: (c: Buffer, _e, cb) => { chunks.push(c); cb(); } }));
    const rdbBytes = (await capture.done).bytes;
    await provider.remove(spec.key); // its memory back before the restores

    const tc = await TestCluster.create(cleanup, 'cachefleet-bench-restore3-cluster-');
    const nodes = await tc.startNodes(3);
    await tc.meetAll(nodes, 'mesh');
    const ranges = evenSlotRanges(3);
    await tc.formShards(nodes.map((n) => [n]), ranges);
    const targets = nodes.map((n, i) => ({ primary: { address: n.address, port: n.port }, slots: ranges[i]! }));
    const targetPids = new Set(nodes.map((n) => n.pid));
    const rounds: RestoreThreeRound[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      await Promise.all(nodes.map((n) => n.client.call('FLUSHALL', 'SYNC')));
      const workDir = await cleanup.tmpDir('cachefleet-bench-restore3-work-');
      let loadMs = 0;
      const t0 = now();
      const logger = createLogger({
        level: 'info',
        destination: new Writable({
          write: (line: Buffer, _e, cb) => {
            if (!loadMs && String(line).includes('"msg":"restore source loaded"')) loadMs = now() - t0;
            cb();
          },
        }),
      });
      const sampler = startCpuSampler([process.pid]);
      const r = await restoreInto([async () => Readable.from(chunks)], targets, { redisServer: REDIS_SERVER, workDir, logger });
      const ms = now() - t0;
      const cpu = await sampler.stop((p) => p.pid === process.pid ? 'service'
        : p.comm !== 'redis-server' ? undefined : targetPids.has(p.pid) ? 'targets' : 'loader');
      if (r.keys !== opts.keys) throw new Error(`the restore moved ${r.keys} keys, not ${opts.keys}`);
      const sizes = await Promise.all(nodes.map((n) => n.client.dbsize()));
      if (sizes.reduce((a, b) => a + b, 0) !== opts.keys) throw new Error(`the 3 shards hold ${sizes.join(' + ')} keys, not ${opts.keys}`);
      rounds.push({ ms, loadMs, cpu });
      progress(`restore 3 shards: round ${i + 1}: ${sec(ms)} (load ${sec(loadMs)}); CPU ${formatCpu(cpu)}`);
    }
    const check = await redisCliCheck(nodes[0]!);
    if (check.code !== 0 || !/All 16384 slots covered/.test(check.output)) throw new Error(`redis-cli --cluster check after the restore:\n${check.output}`);
    return { keys: opts.keys, rdbBytes, rounds };
  } finally {
    await cleanup.run();
  }
}

export function restoreThreeRows(r: RestoreThreeResult): Row[] {
  const best = r.rounds.reduce((a, b) => (b.ms < a.ms ? b : a));
  const perKey = (role: string) => `${((best.cpu.get(role) ?? 0) / r.keys * 1e6).toFixed(1)} µs`;
  const wall = median(r.rounds.map((x) => x.ms));
  return [
    { measure: `Restore 3 shards: ${r.keys.toLocaleString('en-US')} keys, ${(r.rdbBytes / 1e9).toFixed(2)} GB RDB (median of ${r.rounds.length})`, value: sec(wall), goal: '< 10 s', ok: wall < 10_000 },
    { measure: 'Restore 3 shards: best round, load / move', value: `${sec(best.loadMs)} / ${sec(best.ms - best.loadMs)}`, goal: '' },
    { measure: 'Restore 3 shards: CPU by process (best round)', value: formatCpu(best.cpu), goal: '' },
    { measure: 'Restore 3 shards: CPU a key: loader (its load included) / targets / service', value: `${perKey('loader')} / ${perKey('targets')} / ${perKey('service')}`, goal: '' },
  ];
}
