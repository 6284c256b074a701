/**
 * Kernel NAT for plain routes, the userspace proxy process for durable ones
 * (cachefleet-durable-writes) and sniffing ones (TLS "preferred" mode, `tlsTargets`): a durable
 * route needs something that reads the Redis protocol, to hold a write's reply until a replica has
 * it, and a sniffing one something that reads a client's first byte; kernel NAT can do neither.
 * Routes with source exemptions (`exceptSources`) are always NAT's. The proxy process is started
 * only once some route needs it (ProxyRouter starts none for an empty list).
 *
 * A route changing sides (its group's parameter changed) is handed over without a gap: the new
 * side takes it before the old one lets go (an nft DNAT rule takes precedence over a listener on
 * the same address, so both may briefly coexist). Connections kernel NAT still forwards on a route
 * that became durable are closed, so their clients reconnect through the proxy and from then on
 * get durable writes; proxy connections of a route that became plain simply carry on.
 */
import { dropNatConnections } from './conntrack.js';
import { isSniffing, needsKernelNat, normalizeRoutes } from './routes.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { EndpointRoute, EndpointRouter, SourceFilter, Target } from './types.js';

export interface CompositeRouterOptions {
  /** Serves the plain routes (an NftablesRouter). */
  nat: EndpointRouter;
  /** Serves the durable and sniffing routes (a ProxyRouter). */
  proxy: EndpointRouter;
  logger?: Logger;
  /** Closes connections NAT forwarded from `endpoint` to `target` (default: conntrack + ss -K). */
  dropNat?: (endpoint: Target, target: Target, logger: Logger) => Promise<unknown>;
}

type Side = 'nat' | 'proxy';

/** Where a route is served (normalizeRoutes has rejected exemptions together with either proxy feature). */
function sideOf(r: EndpointRoute): Side {
  return r.durable || isSniffing(r) ? 'proxy' : 'nat';
}

export class CompositeRouter implements EndpointRouter {
  readonly kind: EndpointRouter['kind'];
  readonly filtersEnforced: boolean;
  private readonly nat: EndpointRouter;
  private readonly proxy: EndpointRouter;
  private readonly logger: Logger;
  private readonly dropNat: NonNullable<CompositeRouterOptions['dropNat']>;
  /** Which side serves each route, as of the last sync; undefined before the first one. */
  private sides: Map<string, { side: Side; route: EndpointRoute }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: CompositeRouterOptions) {
    this.nat = opts.nat;
    this.proxy = opts.proxy;
    this.kind = opts.nat.kind;
    // Source filters live in the kernel with the NAT rules; the proxy also checks its own routes' `allow`.
    this.filtersEnforced = opts.nat.filtersEnforced;
    this.logger = (opts.logger ?? silentLogger).child({ component: 'endpoints', router: 'composite' });
    this.dropNat = opts.dropNat ?? dropNatConnections;
  }

  sync(routes: EndpointRoute[], filters: SourceFilter[] = []): Promise<void> {
    return this.serial(() => this.doSync(routes, filters));
  }

  dropConnections(routeId: string, target: Target): Promise<void> {
    return this.serial(() => {
      // Whichever side serves the route (an unknown id goes to NAT, which reports it).
      const side = this.sides?.get(routeId)?.side ?? 'nat';
      return side === 'proxy' ? this.proxy.dropConnections(routeId, target) : this.nat.dropConnections(routeId, target);
    });
  }

  teardown(): Promise<void> {
    return this.serial(async () => {
      const errors = await settle([() => this.nat.teardown(), () => this.proxy.teardown()]);
      this.sides = new Map();
      if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'endpoint teardown failed');
    });
  }

  invalidate(): void {
    this.nat.invalidate?.();
    this.proxy.invalidate?.();
  }

  private async doSync(input: EndpointRoute[], filters: SourceFilter[]): Promise<void> {
    const all = normalizeRoutes(input); // checked as one set: two routes on one address are an error on either side
    const proxied = all.filter((r) => sideOf(r) === 'proxy');
    const plain = all.filter((r) => sideOf(r) === 'nat');
    const before = this.sides;
    // Routes moving to NAT stay on the proxy until NAT has them; routes moving to the proxy are
    // served by it before NAT drops them. After a restart (no memory of the sides), every proxied
    // route is treated as possibly coming from NAT: dropping finds nothing when nothing was NATed
    // (always so for a sniffing route, new on its address). A route that now has source
    // exemptions cannot stay on the proxy meanwhile (its address is redis-server's): NAT takes it.
    const leaving = plain.filter((r) => before?.get(r.id)?.side === 'proxy' && !needsKernelNat(r));
    const entering = proxied.filter((r) => before === undefined || before.get(r.id)?.side === 'nat');
    const errors: unknown[] = [];
    const step = async (fn: () => Promise<unknown>): Promise<void> => {
      try { await fn(); } catch (e) { errors.push(e); }
    };
    // One side failing (say, an address the proxy cannot bind) must not stop the other's update
    // (say, a failover of a plain group): both are attempted, the errors reported together.
    await step(() => this.proxy.sync([...proxied, ...leaving]));
    await step(() => this.nat.sync(plain, filters));
    if (leaving.length > 0) await step(() => this.proxy.sync(proxied));
    this.sides = new Map(all.map((r) => [r.id, { side: sideOf(r), route: r }]));
    const why = (r: EndpointRoute): string => (r.durable ? 'durable' : 'sniffing TLS');
    for (const r of entering) {
      const targets = before?.get(r.id)?.route.targets ?? r.targets;
      for (const t of targets) {
        try {
          await this.dropNat({ address: r.address, port: r.port }, t, this.logger);
        } catch (err) {
          this.logger.warn({ err, route: r.id }, `could not close NAT connections of a route that became ${why(r)}`);
        }
      }
      if (before !== undefined) this.logger.info({ route: r.id }, `endpoint route is ${why(r)} now: served by the proxy process`);
    }
    for (const r of leaving) {
      const was = before?.get(r.id)?.route;
      this.logger.info({ route: r.id }, `endpoint route is not ${was?.durable ? 'durable' : 'sniffing TLS'} any more: served by kernel NAT`);
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'endpoint sync failed');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

async function settle(fns: (() => Promise<unknown>)[]): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const fn of fns) {
    try { await fn(); } catch (e) { errors.push(e); }
  }
  return errors;
}
