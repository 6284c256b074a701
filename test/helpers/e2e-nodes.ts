/**
 * What end-to-end tests check about the cache nodes a service runs: the node directories and
 * pids under <dataDir>/nodes, whether a pid is still a live redis-server, whether an address
 * still accepts connections, and whether an address lies in the service's endpoint range.
 */
import net from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pidGone, type Cleanup } from './cleanup.js';

/** Node directory name (`<cacheClusterId>-<cacheNodeId>`) → the pid its redis.pid records. */
export async function nodePids(dataDir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const key of await nodeDirs(dataDir)) {
    const text = await readFile(join(dataDir, 'nodes', key, 'redis.pid'), 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (Number.isInteger(pid) && pid > 0) out.set(key, pid);
  }
  return out;
}

/** The node directories under <dataDir>/nodes (sorted; none when the directory does not exist). */
export async function nodeDirs(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, 'nodes')).catch(() => [] as string[])).sort();
}

async function cmdline(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

/** True while `pid` is a running (not zombie) redis-server. */
export async function isRedisServer(pid: number): Promise<boolean> {
  if (await pidGone(pid)) return false;
  if (process.platform !== 'linux') return true;
  return (await cmdline(pid)).includes('redis-server');
}

/** Pids of the redis-server processes whose command line mentions `path` (e.g. a service's data dir). */
export async function redisServersUsing(path: string): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = await cmdline(Number(d));
    if (cmd.includes('redis-server') && cmd.includes(path) && !(await pidGone(Number(d)))) out.push(Number(d));
  }
  return out.sort((a, b) => a - b);
}

/** Raw TCP connect to address:port: 'connected', or the error code (ECONNREFUSED, …), or 'timeout'. */
export function tryConnect(address: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    const done = (result: string): void => {
      s.destroy();
      resolve(result);
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.once('connect', () => done('connected'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** True when `address` lies in `cidr` (e.g. 127.210.3.0/24). */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return ((ipv4ToInt(address) & mask) >>> 0) === ((ipv4ToInt(base!) & mask) >>> 0);
}

/** The last octet of an IPv4 address, for checks on how addresses are allocated. */
export function lastOctet(address: string): number {
  return ipv4ToInt(address) & 255;
}

/**
 * An ioredis client that never reconnects and never queues, so that a dropped connection or a
 * dead endpoint shows up as a failed command; disconnected by the cleanup.
 */
export async function connectRedis(cleanup: Cleanup, address: string, port: number,
  opts: { reconnect?: boolean } = {}): Promise<Redis> {
  const c = new Redis({
    host: address, port, lazyConnect: true, connectTimeout: 3000, commandTimeout: 5000,
    ...(opts.reconnect ? {} : { retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false }),
  });
  c.on('error', () => {}); // failures are asserted through command results and events
  cleanup.defer(() => c.disconnect());
  await c.connect();
  return c;
}

/** CONFIG GET name on a client, as a plain string. */
export async function configGet(c: Redis, name: string): Promise<string | undefined> {
  const reply = (await c.call('CONFIG', 'GET', name)) as string[];
  return reply[1];
}
