/**
 * The host's view of a node: its process's CPU time and swap (/proc/<pid>/stat, /proc/<pid>/status)
 * and the host's memory (/proc/meminfo). Linux only; elsewhere (or for a node on another host)
 * the reads give nothing and the metrics that need them are not published.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { ProcessSample } from './node-sample.js';
import type { HostSample } from './targets.js';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime (fields 14 and 15; the command name in field 2 may hold spaces and parentheses). */
export function parseProcStat(text: string): number | undefined {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_SECOND : undefined;
}

/** A `Name:   123 kB` line of /proc/meminfo or /proc/<pid>/status, in bytes. */
export function kbField(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

export interface ProcReader {
  process(pid: number): Promise<ProcessSample | undefined>;
  host(): Promise<HostSample>;
}

export function procfsReader(root = '/proc'): ProcReader {
  return {
    async process(pid) {
      try {
        const [stat, status] = await Promise.all([readFile(`${root}/${pid}/stat`, 'utf8'), readFile(`${root}/${pid}/status`, 'utf8')]);
        const cpuSeconds = parseProcStat(stat);
        return cpuSeconds === undefined ? undefined : { cpuSeconds, swapBytes: kbField(status, 'VmSwap') ?? 0 };
      } catch {
        return undefined;
      }
    },
    async host() {
      const text = await readFile(`${root}/meminfo`, 'utf8').catch(() => '');
      return { memAvailableBytes: kbField(text, 'MemAvailable') ?? 0, memTotalBytes: kbField(text, 'MemTotal') ?? 0, cpuCount: availableParallelism() };
    },
  };
}
