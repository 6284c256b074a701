/**
 * Moving a process's clock, for tests of what happens days later (retention, one backup a day):
 * Debian's libfaketime (package `faketime`), preloaded into the process through its environment,
 * so the service runs unmodified — no test hook in the product.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function findLibfaketime(): string | undefined {
  for (const base of ['/usr/lib', '/usr/local/lib']) {
    let dirs: string[] = [];
    try { dirs = readdirSync(base); } catch { continue; }
    const found = ['', ...dirs].map((d) => join(base, d, 'faketime', 'libfaketime.so.1')).find((f) => existsSync(f));
    if (found) return found;
  }
  return undefined;
}

/** Why a clock can't be moved here (for requireOrSkip), or false. */
export function faketimeMissing(): string | false {
  return findLibfaketime() ? false : 'libfaketime (Debian package faketime)';
}

/** Redis's binaries, which hang with libfaketime preloaded (its clock_gettime clashes with jemalloc's start-up). */
const REDIS_BINARIES = ['redis-server', 'redis-check-rdb', 'redis-check-aof', 'redis-cli'];

/**
 * Environment entries that run a process `offset` ahead of the real clock, in libfaketime's
 * relative syntax (e.g. `+1d`, `+25h`). Pass them to the service's restart and to every client
 * that signs requests (SigV4 refuses a skew of more than 15 minutes). Monotonic clocks move by the
 * same offset, which keeps intervals true (FAKETIME_DONT_FAKE_MONOTONIC breaks Python's
 * time.sleep on libfaketime 0.9.10: EINVAL from clock_nanosleep).
 *
 * Redis's binaries cannot run with the library preloaded, so `binDir` (a folder of the test's)
 * gets wrappers that drop it before starting the real ones, and comes first on PATH: the nodes,
 * checkers and loaders the service starts keep the real clock. The folder is made readable by the
 * nodes' unprivileged user.
 */
export async function faketimeEnv(offset: string, binDir: string, cleanup: { defer(fn: () => unknown): void }): Promise<NodeJS.ProcessEnv> {
  const lib = findLibfaketime();
  if (!lib) throw new Error('libfaketime is not installed (apt-get install faketime)');
  const since = Date.now() - 1000;
  cleanup.defer(() => removeFaketimeLeftovers(since));
  const path = process.env.PATH ?? '';
  for (const name of REDIS_BINARIES) {
    const real = path.split(':').filter((d) => d && d !== binDir).map((d) => join(d, name)).find((f) => existsSync(f));
    if (!real) continue;
    await writeFile(join(binDir, name), `#!/bin/sh\nunset LD_PRELOAD FAKETIME FAKETIME_NO_CACHE\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  await chmod(binDir, 0o755);
  return { LD_PRELOAD: lib, FAKETIME: offset, FAKETIME_NO_CACHE: '1', PATH: `${binDir}:${path}` };
}

/**
 * libfaketime 0.9.10 makes a shared-memory object and a semaphore for the first process of a tree
 * it is preloaded into (`/dev/shm/faketime_shm_<pid>`, `sem.faketime_sem_<pid>`), and removes them
 * only when that process exits normally: a process killed, or one that execs another program (the
 * wrappers above), leaves them behind. Removes those made since `since` (ms). A process still
 * running keeps its mapping; only the names go.
 */
export async function removeFaketimeLeftovers(since: number, dir = '/dev/shm'): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^(faketime_shm_|sem\.faketime_sem_)\d+$/.test(name)) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st || st.ctimeMs < since) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}
