/** Real redis-server processes and clients for the endpoint router tests; everything is tracked for cleanup. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { waitFor } from '../../src/util/wait.js';

const rand = (n: number): number => Math.floor(Math.random() * n);

/** "127.X.Y" with X in 100..200: a /24 for one test file, unlikely to collide with parallel files. */
export function randomLoopbackPrefix(): string {
  return `127.${100 + rand(101)}.${rand(256)}`;
}

/** Raw TCP connect (from `localAddress` when given); resolves with the error code (or 'connected') and how long it took. */
export function tryConnect(address: string, port: number, timeoutMs = 3000, localAddress?: string): Promise<{ result: string; ms: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port, ...(localAddress ? { localAddress } : {}) });
    const done = (result: string): void => {
      s.destroy();
      resolve({ result, ms: Date.now() - start });
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.once('connect', () => done('connected'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

export class TestFleet {
  private readonly servers = new Map<string, ChildProcess>();
  private readonly clients = new Set<Redis>();
  /**
   * The servers' working directory, removed by stopAll: a replica's full sync goes through a
   * file there (Redis's default repl-diskless-load), which left a dump.rdb in /tmp before.
   */
  private dir: string | undefined;

  /**
   * Starts redis-server bound to `address` and waits until it answers PING (on the plaintext `port`),
   * as `auth` ([user, password]) when the default user cannot.
   */
  async startRedis(address: string, port = 6379, extraArgs: readonly string[] = [], auth?: [string, string]): Promise<void> {
    const proc = spawn('redis-server', [
      '--bind', address, '--port', String(port), '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--dir', (this.dir ??= mkdtempSync(join(tmpdir(), 'cachefleet-fleet-'))),
      // Clients bind other loopback addresses (security-group tests); protected mode admits only 127.0.0.1.
      '--protected-mode', 'no',
      ...extraArgs,
    ], { stdio: 'ignore' });
    this.servers.set(`${address}:${port}`, proc);
    let exited = false;
    proc.once('exit', () => (exited = true));
    await waitFor(async () => {
      if (exited) throw new Error(`redis-server on ${address}:${port} exited`);
      const c = await this.connect(address, port, undefined, auth ? { username: auth[0], password: auth[1] } : {});
      try {
        return (await c.ping()) === 'PONG';
      } finally {
        this.close(c);
      }
    }, { timeoutMs: 10_000, what: `redis-server on ${address}:${port}` });
  }

  /**
   * A client that never reconnects or queues: a dropped connection shows up as an error. With `tls`,
   * over TLS; `options` for anything else (a login, or no ready check for a client not logged in).
   */
  async connect(address: string, port = 6379, tls?: ConnectionOptions, options: Partial<RedisOptions> = {}): Promise<Redis> {
    const c = new Redis({
      host: address, port, lazyConnect: true, retryStrategy: () => null,
      maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3000, commandTimeout: 5000,
      ...(tls ? { tls } : {}),
      ...options,
    });
    c.on('error', () => {}); // failures are asserted through command results
    this.clients.add(c);
    try {
      await c.connect();
    } catch (err) {
      this.close(c);
      throw err;
    }
    return c;
  }

  close(c: Redis): void {
    c.disconnect();
    this.clients.delete(c);
  }

  /** Which node a fresh connection to `address:port` lands on (its bind address). */
  async landsOn(address: string, port = 6379): Promise<string> {
    const c = await this.connect(address, port);
    try {
      return await bindOf(c);
    } finally {
      this.close(c);
    }
  }

  async stopAll(): Promise<void> {
    for (const c of this.clients) c.disconnect();
    this.clients.clear();
    const waits = [...this.servers.values()].map((p) =>
      p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => { p.once('exit', () => r()); p.kill('SIGKILL'); }),
    );
    this.servers.clear();
    await Promise.all(waits);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

export async function bindOf(c: Redis): Promise<string> {
  const r = (await c.config('GET', 'bind')) as string[];
  return r[1]!;
}
