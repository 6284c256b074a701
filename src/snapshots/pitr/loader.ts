/**
 * The loader of a point-in-time restore: a private, temporary redis-server (not in cluster mode,
 * on loopback only, behind a random password) that loads a base RDB and the archive's AOF up to
 * the target second through Redis's own multi-part AOF loading, then holds that state while the
 * caller moves it into the target nodes. Its folder is private (0700, files 0600); the AOF files
 * are deleted as soon as the data is in memory, and the whole folder when the loader closes.
 *
 * The process title carries its config path (as nodes' do: engine/config.ts), so a loader left
 * behind by a crashed control plane is recognised and removed by {@link removeStaleLoaders}.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { withNodeConnection } from '../../engine/connect.js';
import { pidAlive, pidIsNode, signal } from '../../engine/proc.js';
import { delay, waitFor } from '../../util/wait.js';
import type { NodeTarget } from '../types.js';

export const LOADER_DIR_PREFIX = 'cachefleet-pitr-';
export const AOF_DIR = 'appendonlydir';
export const AOF_NAME = 'pitr.aof';
const CONF = 'loader.conf';
const PIDFILE = 'loader.pid';
const LOG = 'loader.log';

export interface LoaderOptions {
  /** redis-server binary (default: $CACHEFLEET_REDIS_SERVER or the one on PATH). */
  redisServer?: string;
  /** Longest the load may take. Default 10 min. */
  timeoutMs?: number;
  /** Run as this user (a service running as root starts redis-server unprivileged, as it does nodes). */
  runAs?: { uid: number; gid: number };
}

export interface Loader {
  node: NodeTarget;
  pid: number;
  dir: string;
  close(): Promise<void>;
}

/** A fresh private folder for a loader under `workDir`; its `appendonlydir/` is where the AOF goes. */
export async function makeLoaderDir(workDir: string): Promise<string> {
  return mkdtemp(join(workDir, LOADER_DIR_PREFIX)); // mkdtemp makes it 0700
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, password: string): string {
  return [
    // Paths relative to the loader's folder, its working directory: a loader run as the node user
    // may not be able to search the folders above it (a 0700 data directory, as nodes' are).
    'bind 127.0.0.1', `port ${port}`, 'protected-mode yes', `requirepass ${password}`,
    'dir .', `pidfile ${PIDFILE}`, `logfile ${LOG}`, 'daemonize no',
    `proc-title-template "{title} {listen-addr} {server-mode} ${join(dir, CONF)}"`,
    'save ""', 'appendonly yes', `appenddirname ${AOF_DIR}`, `appendfilename ${AOF_NAME}`, 'appendfsync no',
    // A damaged AOF fails the restore instead of loading what precedes the damage.
    'aof-load-truncated no', 'auto-aof-rewrite-percentage 0', 'enable-debug-command no',
    // The caller copies the state out with a replication sync (captureRdb): streamed from memory at
    // once, never through an RDB file on disk, and without Redis's default 5 s wait for more replicas.
    'repl-diskless-sync yes', 'repl-diskless-sync-delay 0', '',
  ].join('\n');
}

async function logTail(dir: string): Promise<string> {
  const text = await readFile(join(dir, LOG), 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-8).join('\n');
}

/**
 * Starts a loader on the AOF prepared in `dir` and resolves once Redis has loaded it; the AOF is
 * then switched off and its files deleted. On failure the process is gone and `dir` is removed.
 */
export async function startLoader(dir: string, opts: LoaderOptions = {}): Promise<Loader> {
  const binary = opts.redisServer ?? process.env.CACHEFLEET_REDIS_SERVER ?? 'redis-server';
  const password = randomBytes(24).toString('hex');
  const port = await freePort();
  const confPath = join(dir, CONF);
  await writeFile(confPath, config(dir, port, password), { mode: 0o600 });
  // A loader run as another user (the service runs as root, nodes as the node user) must own its
  // private folder: it reads the AOF there and writes its log and pidfile.
  if (opts.runAs) await chownTree(dir, opts.runAs.uid, opts.runAs.gid);
  // The config on standard input (`redis-server -`), opened here, as nodes get theirs (engine/local-provider.ts).
  const conf = await open(confPath, 'r');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(binary, ['-'], {
      stdio: [conf.fd, 'ignore', 'ignore'], cwd: dir, ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
    });
  } finally {
    await conf.close();
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, sig) => resolve(`exited (${sig ?? `code ${code}`})`));
    child.once('error', (e) => resolve(`could not start: ${e.message}`));
  });
  const pid = child.pid;
  const node: NodeTarget = { address: '127.0.0.1', port, auth: { password } };
  const close = async () => {
    if (pid !== undefined && (await pidAlive(pid))) {
      signal(pid, 'SIGTERM');
      const gone = await waitFor(async () => !(await pidAlive(pid)), { timeoutMs: 5000, what: 'the loader to exit' }).catch(() => false);
      if (!gone) signal(pid, 'SIGKILL');
      await Promise.race([exited, delay(5000)]);
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const timeoutMs = opts.timeoutMs ?? 600_000;
    let exit: string | undefined;
    void exited.then((why) => { exit = why; });
    // A loader that exits ends the wait at once (a check that throws would only be retried until the deadline).
    const outcome = await waitFor(async () => (exit !== undefined ? 'exited' : (await loaded(node)) ? 'loaded' : undefined),
      { timeoutMs, intervalMs: 20, what: 'the loader to load the archive' }).catch((e: Error) => e);
    if (outcome === 'exited') throw new LoaderFailedError(`the loader ${exit} while loading the archive:\n${await logTail(dir)}`);
    if (outcome instanceof Error) throw new LoaderFailedError(`${outcome.message}\n${await logTail(dir)}`);
    await withNodeConnection(node.address, node.port, { auth: node.auth }, async (c) => {
      await c.call('CONFIG', 'SET', 'appendonly', 'no');
    });
    await rm(join(dir, AOF_DIR), { recursive: true, force: true });
    return { node, pid: pid!, dir, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.isDirectory()) await chownTree(join(path, e.name), uid, gid);
    else await chown(join(path, e.name), uid, gid);
  }
}

/** Whether the loader answers and has finished loading (Redis answers -LOADING meanwhile). */
async function loaded(node: NodeTarget): Promise<boolean> {
  try {
    return await withNodeConnection(node.address, node.port, { auth: node.auth, commandTimeoutMs: 2000 },
      async (c) => /^loading:0\r?$/m.test(String(await c.call('INFO', 'persistence'))));
  } catch {
    return false;
  }
}

export class LoaderFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoaderFailedError';
  }
}

/**
 * Kills loaders (and removes their folders) that a stopped or crashed control plane left under
 * `workDir`. Each folder goes once its loader is gone: a SIGKILL is delivered, not done, when
 * kill(2) returns, and a loader still running could write into a folder being removed.
 */
export async function removeStaleLoaders(workDir: string): Promise<number> {
  let n = 0;
  const entries = await readdir(workDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith(LOADER_DIR_PREFIX)) continue;
    const dir = join(workDir, e.name);
    const pid = Number((await readFile(join(dir, PIDFILE), 'utf8').catch(() => '')).trim());
    if (pid > 1 && (await pidIsNode(pid, join(dir, CONF)))) {
      signal(pid, 'SIGKILL');
      // A process in uninterruptible sleep may take longer: its folder goes anyway after 5 s.
      await waitFor(async () => !(await pidAlive(pid)), { timeoutMs: 5000, intervalMs: 10, what: `stale loader ${pid} to exit` }).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    n++;
  }
  return n;
}
