/**
 * Test cleanup that runs even when a test fails: temp dirs, processes (killed by pid, only after
 * checking the pid still is that process), and arbitrary deferred callbacks.
 *
 *   const cleanup = useCleanup();            // registers after(() => cleanup.run())
 *   const dir = await cleanup.tmpDir();
 *   cleanup.trackPid(pid, confPath);
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { waitFor } from '../../src/util/wait.js';

/** True when the pid no longer exists, or is a zombie (exited, just not reaped yet). */
export async function pidGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (process.platform !== 'linux') return false;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function cmdline(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** SIGKILLs `pid` if it is alive and (on Linux) its command line contains `marker`; waits until gone. */
export async function killVerified(pid: number, marker?: string): Promise<void> {
  if (await pidGone(pid)) return;
  if (marker !== undefined && process.platform === 'linux') {
    const cmd = await cmdline(pid);
    if (cmd === undefined || !cmd.includes(marker)) return; // recycled pid: not ours any more
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitFor(() => pidGone(pid), { timeoutMs: 5000, what: `pid ${pid} to die` });
}

/** Linux: pids whose command line mentions `path` (e.g. redis-servers using a conf inside it). */
export async function pidsReferencing(path: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  for (const d of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    if ((await cmdline(Number(d)))?.includes(path)) out.push(Number(d));
  }
  return out;
}

/**
 * Runs `fn`, bounded: a callback that never settles must not stop what comes after it (node would
 * simply exit with the hook pending, leaving processes behind).
 */
async function settle(fn: () => unknown, errors: unknown[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cleanup callback did not settle in 10 s: ${fn}`)), 10_000);
  });
  await Promise.race([Promise.resolve().then(fn), hung])
    .catch((e) => errors.push(e))
    .finally(() => clearTimeout(timer));
}

export class Cleanup {
  private readonly dirs: string[] = [];
  private readonly pids: { pid: number; marker?: string }[] = [];
  private readonly deferred: (() => unknown)[] = [];
  /**
   * Set once run() starts. A suite that times out runs its after hooks while its last test still
   * goes on; whatever that test registers afterwards is released at once instead of never (a
   * server left listening keeps the test file's process alive for good).
   */
  private ran = false;

  /** A fresh directory under os.tmpdir(), removed on run(); processes still using it are killed first. */
  async tmpDir(prefix = 'cachefleet-test-'): Promise<string> {
    if (this.ran) throw new Error('the cleanup already ran (the suite ended or timed out): no new directory');
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  trackPid(pid: number | undefined, marker?: string): void {
    if (pid === undefined) return;
    if (this.ran) void killVerified(pid, marker).catch(() => {});
    else this.pids.push({ pid, marker });
  }

  /** Runs `fn` on run(), last registered first. Errors are reported but do not stop the cleanup. */
  defer(fn: () => unknown): void {
    if (this.ran) void settle(fn, []);
    else this.deferred.push(fn);
  }

  async run(): Promise<void> {
    this.ran = true;
    const errors: unknown[] = [];
    for (const fn of this.deferred.splice(0).reverse()) await settle(fn, errors);
    for (const { pid, marker } of this.pids.splice(0)) await killVerified(pid, marker).catch((e) => errors.push(e));
    for (const dir of this.dirs.splice(0)) {
      // Safety net for processes a failed test never got to track (e.g. spawned, then an assert threw).
      const inside = `${dir}/`;
      for (const pid of await pidsReferencing(inside)) await killVerified(pid, inside).catch((e) => errors.push(e));
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((e) => errors.push(e));
    }
    if (errors.length) throw new AggregateError(errors, 'cleanup failed');
  }
}

/** A Cleanup whose run() is registered as an after() hook of the current suite / file. */
export function useCleanup(): Cleanup {
  const c = new Cleanup();
  after(() => c.run());
  return c;
}
