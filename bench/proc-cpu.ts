/**
 * Where the CPU goes while something runs: the given root processes and all their descendants
 * are sampled from /proc every 100 ms (user + system time), so short-lived ones (a node's fork
 * child, the RDB checker) are counted up to their last sample; everything else the host ran is
 * `rest of the host` (the host's busy time from /proc/stat less those), and the time the
 * hypervisor gave to other guests is shown apart (steal). Summed by a role the caller names from
 * the pid, the parent and the command. Cheap by design (a few small files a sample), so it does
 * not load the machine it measures. Linux only; elsewhere it reports nothing.
 *
 *   const s = startCpuSampler([primaryPid, process.pid]);
 *   … the work …
 *   const byRole = await s.stop((p) => (p.pid === primaryPid ? 'primary' : undefined));
 */
import { readFile } from 'node:fs/promises';

export interface ProcSample {
  pid: number;
  ppid: number;
  /** The command (`comm`), e.g. `redis-server`, `redis-rdb-to-sl`. */
  comm: string;
}

const TICK = 100; // USER_HZ on Linux (`getconf CLK_TCK`)

interface Stat { ppid: number; comm: string; ticks: number }

async function readStat(pid: number): Promise<Stat | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = stat.slice(close + 2).split(' ');
  // After the command: state(0) ppid(1) … utime(11) stime(12)
  return { ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) };
}

async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** The host's busy ticks (all CPUs), and the ticks the hypervisor gave to others (steal). */
async function hostTicks(): Promise<{ busy: number; steal: number }> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const f = line.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return { busy: (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0), steal: f[7] ?? 0 };
}

export interface CpuSampler {
  /** Stops sampling; CPU seconds per role (processes the classifier leaves out are `other`). */
  stop(role: (p: ProcSample) => string | undefined): Promise<Map<string, number>>;
}

export function startCpuSampler(roots: number[], intervalMs = 100): CpuSampler {
  const base = new Map<number, number>();
  const last = new Map<number, Stat>();
  let hostBase = { busy: 0, steal: 0 };
  let hostLast = { busy: 0, steal: 0 };
  let first = true;
  const sample = async () => {
    const seen = new Set<number>();
    const walk = async (pid: number): Promise<void> => {
      if (seen.has(pid)) return;
      seen.add(pid);
      const s = await readStat(pid);
      if (!s) return;
      if (first) base.set(pid, s.ticks);
      last.set(pid, s);
      await Promise.all((await children(pid)).map(walk));
    };
    await Promise.all(roots.map(walk));
    hostLast = await hostTicks();
    if (first) hostBase = hostLast;
    first = false;
  };
  let running = sample();
  const timer = setInterval(() => { running = running.then(sample); }, intervalMs);
  return {
    async stop(role) {
      clearInterval(timer);
      await running;
      await sample();
      const sums = new Map<string, number>();
      let known = 0;
      for (const [pid, s] of last) {
        const cpuSec = (s.ticks - (base.get(pid) ?? 0)) / TICK;
        if (cpuSec <= 0) continue;
        known += cpuSec;
        const r = role({ pid, ppid: s.ppid, comm: s.comm }) ?? `other (${s.comm})`;
        sums.set(r, (sums.get(r) ?? 0) + cpuSec);
      }
      sums.set('rest of the host', Math.max(0, (hostLast.busy - hostBase.busy) / TICK - known));
      sums.set('stolen by the hypervisor', (hostLast.steal - hostBase.steal) / TICK);
      return sums;
    },
  };
}

/** `role 1.23 s, role 0.45 s, …`, largest first, entries under 0.01 s left out. */
export function formatCpu(byRole: Map<string, number>): string {
  return [...byRole].filter(([, s]) => s >= 0.01).sort((a, b) => b[1] - a[1]).map(([r, s]) => `${r} ${s.toFixed(2)} s`).join(', ');
}
