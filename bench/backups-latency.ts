/**
 * The primary's latency while its replica is captured: redis-benchmark GETs on the primary with
 * no capture, during a capture as the service takes it (the fork child and the checker at nice
 * 19: fork-priority.ts), and during the node's own transfer (`redis-cli --rdb`). Rounds
 * alternate, so load drift hits each alike. In the first round the CPU each process used during
 * each kind of run is sampled from /proc (proc-cpu.ts): what competes with the primary.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { captureRdb } from '../src/snapshots/engine/index.js';
import { benchmarkLatency, type Endpoint, type LatencyRun } from './backups-data.js';
import { cliRdb } from './backups-cli.js';
import { formatCpu, startCpuSampler, type ProcSample } from './proc-cpu.js';
import { ms, now, progress } from './stats.js';

export type LatencyMode = 'without' | 'capture' | 'cli';
type Busy = Exclude<LatencyMode, 'without'>;
const MODES: LatencyMode[] = ['without', 'capture', 'cli'];

export interface LatencyResult {
  runs: Record<LatencyMode, LatencyRun[]>;
  /** Capture time under that load, per mode with a capture. */
  captureMs: Record<Busy, number[]>;
  /** CPU seconds per process role in the first round's run of each mode. */
  cpu: Record<LatencyMode, string>;
}

export interface LatencyNodes {
  primary: Endpoint & { pid: number };
  replica: Endpoint & { pid: number };
}

/**
 * `clients`: redis-benchmark's connections (8: enough to keep the primary and the load generator
 * busy on both cores of a 2-core machine, where any CPU the capture takes shows in the p99; 1: one
 * request at a time, a primary with headroom). `modes`: which runs to make (default all three).
 */
export async function measureCaptureLatency(n: LatencyNodes, o: { rounds: number; requests: number; clients?: number; modes?: LatencyMode[] }): Promise<LatencyResult> {
  const runs: LatencyResult['runs'] = { without: [], capture: [], cli: [] };
  const captureMs: LatencyResult['captureMs'] = { capture: [], cli: [] };
  const cpu = {} as LatencyResult['cpu'];
  const role = (p: ProcSample): string | undefined => {
    if (p.pid === n.primary.pid) return 'primary';
    if (p.pid === n.replica.pid) return 'replica';
    if (p.ppid === n.replica.pid) return 'replica fork child';
    if (p.pid === process.pid) return 'consumer (this process)';
    if (p.comm === 'redis-check-rdb' || p.comm === 'cat') return 'checker';
    if (p.comm === 'redis-benchmark') return 'load generator';
    if (p.comm === 'redis-cli') return 'redis-cli --rdb';
    return undefined;
  };
  const capture = async () => {
    const c = captureRdb({ address: n.replica.host, port: n.replica.port }, { nodePid: n.replica.pid });
    await pipeline(c.stream, new Writable({ write: (_chunk, _e, cb) => cb() }));
    await c.done;
  };
  const work: Record<Busy, () => Promise<unknown>> = {
    capture,
    cli: () => cliRdb(n.replica),
  };
  const modes = o.modes ?? MODES;
  for (let round = 0; round < o.rounds; round++) {
    for (const mode of modes) {
      const sampler = round === 0 ? startCpuSampler([n.primary.pid, n.replica.pid, process.pid]) : undefined;
      const t0 = now();
      const background = mode === 'without' ? undefined : work[mode]().then(() => now() - t0);
      background?.catch(() => undefined);
      runs[mode].push(await benchmarkLatency(n.primary, o.requests, o.clients));
      if (background && mode !== 'without') captureMs[mode].push(await background);
      if (sampler) cpu[mode] = formatCpu(await sampler.stop(role));
    }
    progress(`backups: p99 (-c ${o.clients ?? 8}) ${modes.map((m) => `${m} ${ms(runs[m].at(-1)!.p99, 3)}`).join(', ')}`);
  }
  for (const mode of Object.keys(cpu) as LatencyMode[]) progress(`backups: CPU during "${mode}": ${cpu[mode]}`);
  return { runs, captureMs, cpu };
}
