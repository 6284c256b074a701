/**
 * The main router: kernel NAT (nftables DNAT in the nat/output hook). The kernel forwards packets,
 * so throughput is close to a direct connection, and nothing of ours is in the data path: the
 * control plane can die and connections (and new ones) keep flowing. A restarted control plane
 * adopts the table: the rule comments let it see that the table already holds what it wants.
 */
import { randomBytes } from 'node:crypto';
import { execTool, execToolOk } from './exec.js';
import { dropNatConnections } from './conntrack.js';
import { checkTableName, programmedComments, renderNftScript } from './nft-script.js';
import { normalizeFilters, normalizeRoutes } from './routes.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { EndpointRoute, EndpointRouter, SourceFilter, Target } from './types.js';

export interface NftablesRouterOptions {
  /** nft table (family ip) this router owns exclusively, e.g. cachefleet_ab12cd34. */
  table: string;
  logger?: Logger;
  /** An unchanged sync re-reads the kernel's table every this many calls (drift check). Default 20. */
  verifyEvery?: number;
  /** See NftScriptOptions.nodeUid. */
  nodeUid?: number;
}

export class NftablesRouter implements EndpointRouter {
  readonly kind = 'nftables' as const;
  readonly filtersEnforced = true;
  readonly table: string;
  private readonly logger: Logger;
  private readonly verifyEvery: number;
  private readonly nodeUid: number | undefined;
  /** Script the kernel is known to hold; undefined until applied or verified (e.g. after a restart). */
  private applied: string | undefined;
  private syncsSinceVerify = 0;
  private routes = new Map<string, EndpointRoute>();
  /** Serialises sync/drop/teardown so two nft transactions never interleave with our bookkeeping. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: NftablesRouterOptions) {
    checkTableName(opts.table);
    this.table = opts.table;
    this.logger = (opts.logger ?? silentLogger).child({ component: 'endpoints', router: 'nftables', table: opts.table });
    this.verifyEvery = Math.max(1, opts.verifyEvery ?? 20);
    this.nodeUid = opts.nodeUid;
  }

  /** True when nft exists and this process may create a nat table (tries a throwaway probe table). */
  static async available(): Promise<boolean> {
    const probe = `cachefleet_probe_${process.pid}_${randomBytes(3).toString('hex')}`;
    try {
      const created = await execTool('nft', ['-f', '-'], {
        input: `table ip ${probe} {\n  chain output {\n    type nat hook output priority -100; policy accept;\n  }\n}\n`,
        timeoutMs: 5000,
      });
      if (created.code !== 0) return false;
      await execTool('nft', ['delete', 'table', 'ip', probe], { timeoutMs: 5000 });
      return true;
    } catch {
      return false; // nft not installed
    }
  }

  sync(routes: EndpointRoute[], filters: SourceFilter[] = []): Promise<void> {
    return this.serial(() => this.doSync(routes, filters));
  }

  /** Forget what we believe is programmed: the next sync re-reads the kernel table (and repairs it). */
  invalidate(): void {
    this.applied = undefined;
  }

  dropConnections(routeId: string, target: Target): Promise<void> {
    return this.serial(async () => {
      const route = this.routes.get(routeId);
      if (!route) throw new Error(`dropConnections: unknown endpoint route "${routeId}" (sync it first)`);
      await dropNatConnections({ address: route.address, port: route.port }, target, this.logger);
    });
  }

  teardown(): Promise<void> {
    return this.serial(async () => {
      const r = await execTool('nft', ['delete', 'table', 'ip', this.table]);
      // A missing table is already torn down.
      if (r.code !== 0 && !/No such file or directory/i.test(r.stderr)) {
        throw new Error(`nft delete table ip ${this.table} failed: ${r.stderr.trim()}`);
      }
      this.applied = undefined;
      this.routes.clear();
      this.logger.info({}, 'endpoint table removed');
    });
  }

  private async doSync(input: EndpointRoute[], filterInput: SourceFilter[]): Promise<void> {
    const routes = normalizeRoutes(input);
    const { script, comments } = renderNftScript(this.table, routes, normalizeFilters(filterInput), this.nodeUid !== undefined ? { nodeUid: this.nodeUid } : {});
    this.routes = new Map(routes.map((r) => [r.id, r]));
    const unchanged = script === this.applied;
    this.syncsSinceVerify++;
    if (unchanged && this.syncsSinceVerify < this.verifyEvery) return;
    // Either we have never seen the kernel's state (adoption), or it is time for a drift check.
    if (unchanged || this.applied === undefined) {
      this.syncsSinceVerify = 0;
      if (await this.holds(comments)) {
        if (this.applied === undefined) this.logger.info({ routes: routes.length }, 'adopted programmed endpoint table');
        this.applied = script;
        return;
      }
      if (unchanged) this.logger.warn({}, 'endpoint table drifted from what we programmed; re-applying');
    }
    await this.apply(script, routes.length);
  }

  /** Whether the kernel's table holds exactly the rules `comments` describe, in order. */
  private async holds(comments: string[]): Promise<boolean> {
    const r = await execTool('nft', ['-j', 'list', 'table', 'ip', this.table]);
    if (r.code !== 0) return false; // typically: no such table
    const have = programmedComments(r.stdout);
    return have !== undefined && have.length === comments.length && have.every((c, i) => c === comments[i]);
  }

  private async apply(script: string, count: number): Promise<void> {
    this.applied = undefined; // if nft fails, the state is unknown: verify next time
    await execToolOk('nft', ['-f', '-'], { input: script });
    this.applied = script;
    this.syncsSinceVerify = 0;
    this.logger.debug({ routes: count }, 'programmed endpoint table');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
