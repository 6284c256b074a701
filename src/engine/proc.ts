/**
 * Small OS helpers for the local provider: is a pid alive, is it the process we think it is,
 * is an address:port free, and who holds it when it is not. Linux answers through /proc;
 * elsewhere the checks degrade to "trust the pid" / "held by another process".
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';

const isLinux = process.platform === 'linux';

/** True when `pid` exists and is not a zombie (an exited child nobody has reaped yet). */
export async function pidAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else; it cannot be one of our nodes anyway.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (!isLinux) return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3 follows the parenthesised command name, which may itself contain spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The process's command line (NULs as spaces), or undefined when unknown (gone, or not Linux). */
export async function readCmdline(pid: number): Promise<string | undefined> {
  if (!isLinux) return undefined;
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive and (on Linux) its command line mentions `marker` (the node's conf
 * path, kept in the title by the managed proc-title-template). Guards every signal we send: a stale pidfile may name a recycled pid.
 */
export async function pidIsNode(pid: number, marker: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  if (!(await pidAlive(pid))) return false;
  if (!isLinux) return true;
  const cmdline = await readCmdline(pid);
  if (cmdline === undefined) return false;
  if (cmdline.includes(marker)) return true;
  // Fallback for a process title cut short (Redis rewrites its title in place): a redis process
  // whose working directory is the node directory (Redis chdirs to its `dir`).
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
  return cwd === dirname(marker) && cmdline.includes('redis');
}

/** Resolves once `address:port` accepts a listener (then closed again), else rejects with the errno code. */
export function probeListen(address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => reject(Object.assign(new Error(e.message), { code: e.code })));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve()));
  });
}

function hexToIPv4(hex: string): string {
  // /proc/net/tcp stores the address as a little-endian 32-bit hex number.
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

/** Linux: socket inodes listening (TCP state 0A) on `port` at `address` or the wildcard address. */
async function listeningInodes(address: string, port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const [hexAddr, hexPort] = f[1]!.split(':');
      if (parseInt(hexPort!, 16) !== port) continue;
      const wildcard = /^0+$/.test(hexAddr!);
      if (wildcard || (hexAddr!.length === 8 && hexToIPv4(hexAddr!) === address)) inodes.add(f[9]!);
    }
  }
  return inodes;
}

/** Best effort "pid N (cmdline)" of the process listening on address:port; undefined if unknown. */
export async function describePortHolder(address: string, port: number): Promise<string | undefined> {
  if (!isLinux) return undefined;
  const inodes = await listeningInodes(address, port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        const cmd = (await readCmdline(Number(pid)))?.trim();
        return `pid ${pid}${cmd ? ` (${cmd})` : ''}`;
      }
    }
  }
  return undefined;
}

/** Waits for `p` but no longer than `ms` (without keeping the event loop alive afterwards). */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((done) => (timer = setTimeout(done, ms)));
  try {
    await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends a signal; a process that is already gone is not an error. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Throws, saying why, unless `spec`'s endpoint can be bound: in use (by `ownHolder()`'s answer,
 * one of the provider's own nodes, else whatever process /proc names), an address this host does
 * not have, or another bind error.
 */
export async function assertPortFree(spec: { key: string; address: string; port: number }, ownHolder: () => Promise<string | undefined>): Promise<void> {
  try {
    await probeListen(spec.address, spec.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = `${spec.address}:${spec.port}`;
    if (code === 'EADDRINUSE') {
      const holder = (await ownHolder()) ?? (await describePortHolder(spec.address, spec.port));
      throw new Error(`cannot start node ${spec.key}: ${where} is already in use by ${holder ?? 'another process'}`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new Error(`cannot start node ${spec.key}: address ${spec.address} is not assigned to this host`);
    }
    throw new Error(`cannot start node ${spec.key}: ${where} cannot be bound (${(e as Error).message})`);
  }
}
