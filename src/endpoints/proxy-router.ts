/**
 * Fallback router for hosts without nftables (not root, macOS): a detached userspace proxy
 * process (proxy-process.ts). Slower than kernel NAT (every byte crosses user space twice), but
 * still outside the control plane's process, so a control-plane crash drops no connection and a
 * restarted control plane adopts the running proxy through its pidfile.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DROP_PREFIX, PROXY_SCRIPT, isProxyProcess, proxyPaths, readJson, readPid, routesGeneration, writeFileAtomic,
  type DropRequest, type ProxyPaths, type ProxyStatus, type RoutesFile,
} from './proxy-files.js';
import { isSniffing, needsKernelNat, normalizeRoutes } from './routes.js';
import { DIR_MODE, FILE_MODE } from '../paths/index.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { waitFor } from '../util/wait.js';
import type { EndpointRoute, EndpointRouter, Target } from './types.js';

export interface ProxyRouterOptions {
  /** Directory for routes.json, the pidfile, status and log; one proxy per directory. */
  stateDir: string;
  logger?: Logger;
  /** How long sync/drop/teardown wait for the proxy to act. Default 10 s. */
  timeoutMs?: number;
}

/** Beside this module, so it works from dist/ wherever the package is installed. */
const PROXY_SCRIPT_PATH = fileURLToPath(new URL(`./${PROXY_SCRIPT}`, import.meta.url));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: it exited between our check and the signal
  }
}

export class ProxyRouter implements EndpointRouter {
  readonly kind = 'proxy' as const;
  /** Only the routes' own `allow` lists (checked per client); node addresses cannot be filtered here. */
  readonly filtersEnforced = false;
  private readonly paths: ProxyPaths;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private routes = new Map<string, EndpointRoute>();
  /** Ids of routes already reported as needing kernel NAT. */
  private readonly warnedUnserved = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: ProxyRouterOptions) {
    this.paths = proxyPaths(resolve(opts.stateDir));
    this.logger = (opts.logger ?? silentLogger).child({ component: 'endpoints', router: 'proxy' });
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** The proxy's pid when one is running for this state directory (verified, not just the pidfile). */
  proxyPid(): number | undefined {
    const pid = readPid(this.paths.pid);
    return pid !== undefined && isProxyProcess(pid, this.paths.routes) ? pid : undefined;
  }

  sync(routes: EndpointRoute[]): Promise<void> {
    return this.serial(() => this.doSync(routes));
  }

  /** Nothing cached to forget: every sync already checks the file, the process and its status. */
  invalidate(): void {}

  dropConnections(routeId: string, target: Target): Promise<void> {
    return this.serial(async () => {
      const route = this.routes.get(routeId);
      if (!route) throw new Error(`dropConnections: unknown endpoint route "${routeId}" (sync it first)`);
      // No proxy, or a route it does not serve (see warnUnserved): no connections through it.
      if (this.proxyPid() === undefined || needsKernelNat(route)) return;
      const req: DropRequest = { routeId, target: { address: target.address, port: target.port } };
      const file = join(this.paths.dir, `${DROP_PREFIX}${Date.now()}-${randomBytes(4).toString('hex')}.json`);
      writeFileAtomic(file, JSON.stringify(req));
      try {
        // The proxy deletes the request once the connections are closed: that is the acknowledgement.
        await waitFor(() => !existsSync(file), { timeoutMs: this.timeoutMs, what: `proxy to drop ${routeId} → ${target.address}:${target.port}` });
      } finally {
        try { unlinkSync(file); } catch { /* done */ }
      }
    });
  }

  teardown(): Promise<void> {
    return this.serial(async () => {
      const pid = this.proxyPid();
      try { unlinkSync(this.paths.routes); } catch { /* already gone */ }
      if (pid !== undefined) await this.stop(pid);
      for (const name of this.listDir()) {
        if (name.startsWith(DROP_PREFIX) || name === 'proxy.pid' || name === 'proxy-status.json') {
          try { unlinkSync(join(this.paths.dir, name)); } catch { /* gone */ }
        }
      }
      this.routes.clear();
    });
  }

  private async doSync(input: EndpointRoute[]): Promise<void> {
    const all = normalizeRoutes(input);
    this.routes = new Map(all.map((r) => [r.id, r]));
    const routes = all.filter((r) => !needsKernelNat(r));
    this.warnUnserved(all.filter(needsKernelNat));
    if (routes.length === 0 && this.proxyPid() === undefined) {
      // Nothing to serve and nothing running: no process is started just to serve no route (as a
      // CompositeRouter asks on every pass when no route is durable). A running proxy is kept and
      // told the empty list instead: its established connections carry on.
      try { unlinkSync(this.paths.routes); } catch { /* none */ }
      return;
    }
    const file: RoutesFile = { version: 1, generation: routesGeneration(routes), routes };
    const text = `${JSON.stringify(file, null, 1)}\n`;
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    let current: string | undefined;
    try { current = readFileSync(this.paths.routes, 'utf8'); } catch { /* first sync */ }
    if (current !== text) writeFileAtomic(this.paths.routes, text);
    const pid = this.proxyPid() ?? this.start();
    // A running proxy that already applied these routes is adopted as is (the usual no-op sync).
    const status = this.statusFor(file.generation) ?? await waitFor(() => this.statusFor(file.generation), {
      timeoutMs: this.timeoutMs,
      what: `endpoint proxy (pid ${pid}) to apply routes (log: ${this.paths.log})`,
    });
    if (routes.some(isSniffing) && !status.features?.includes('sniff')) {
      // It would send TLS clients to the plaintext targets: refuse rather than misroute.
      throw new Error(
        `endpoint proxy (pid ${status.pid}) predates TLS sniffing routes and cannot serve them: stop it ` +
          '(its established connections close) and the next sync starts a current one',
      );
    }
    if (status.errors.length > 0) {
      const detail = status.errors.map((e) => `${e.routeId}: ${e.message}`).join('; ');
      throw new Error(`endpoint proxy cannot serve some routes (it keeps retrying): ${detail}`);
    }
  }

  /**
   * Routes with source exemptions belong to kernel NAT: their address:port is redis-server's own
   * (TLS "preferred" mode), so the proxy cannot listen there. Not an error (the rest is served);
   * said once per route so the log does not grow on every pass.
   */
  private warnUnserved(unserved: EndpointRoute[]): void {
    for (const r of unserved) {
      if (this.warnedUnserved.has(r.id)) continue;
      this.warnedUnserved.add(r.id);
      this.logger.warn(
        { route: r.id },
        `route ${r.id} needs kernel NAT (source exemptions); not served by the proxy: TLS clients cannot use ` +
          'node endpoints in TransitEncryptionMode preferred without nftables',
      );
    }
    // Forget routes gone from the set, so one coming back is reported again.
    const ids = new Set(unserved.map((r) => r.id));
    for (const id of this.warnedUnserved) if (!ids.has(id)) this.warnedUnserved.delete(id);
  }

  /** The status of a live, verified proxy that has applied `generation`. */
  private statusFor(generation: string): ProxyStatus | undefined {
    const s = readJson<ProxyStatus>(this.paths.status);
    return s && s.generation === generation && isProxyProcess(s.pid, this.paths.routes) ? s : undefined;
  }

  private start(): number {
    const log = openSync(this.paths.log, 'a', FILE_MODE);
    try {
      // detached: own session and process group, so signals aimed at the control plane's group
      // (Ctrl-C, kill of the group) do not reach the data path.
      const child = spawn(process.execPath, [PROXY_SCRIPT_PATH, this.paths.routes], {
        detached: true,
        stdio: ['ignore', log, log],
        cwd: this.paths.dir,
      });
      child.unref();
      if (child.pid === undefined) throw new Error(`cannot start endpoint proxy ${PROXY_SCRIPT_PATH}`);
      this.logger.info({ pid: child.pid, stateDir: this.paths.dir }, 'started endpoint proxy process');
      return child.pid;
    } finally {
      closeSync(log);
    }
  }

  /** The proxy exits by itself once routes.json is gone; signal it only if it does not. */
  private async stop(pid: number): Promise<void> {
    const gone = (): boolean => !isProxyProcess(pid, this.paths.routes);
    const wait = (ms: number): Promise<boolean> => waitFor(gone, { timeoutMs: ms, what: `proxy ${pid} to exit` }).then(() => true, () => false);
    if (await wait(this.timeoutMs / 2)) return;
    this.logger.warn({ pid }, 'endpoint proxy did not exit on its own; sending SIGTERM');
    if (!gone()) signal(pid, 'SIGTERM'); // verified just before: never signal a reused pid
    if (await wait(this.timeoutMs / 2)) return;
    if (!gone()) signal(pid, 'SIGKILL');
    await waitFor(gone, { timeoutMs: 2000, what: `proxy ${pid} to die` });
  }

  private listDir(): string[] {
    try { return readdirSync(this.paths.dir); } catch { return []; }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
