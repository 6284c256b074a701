/** Picks the endpoint router for this host. */
import { CompositeRouter } from './composite-router.js';
import { NftablesRouter } from './nftables-router.js';
import { ProxyRouter } from './proxy-router.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { EndpointRouter } from './types.js';

export type { DurableOptions, EndpointRoute, EndpointRouter, Target } from './types.js';
export { CompositeRouter } from './composite-router.js';
export { NftablesRouter } from './nftables-router.js';
export { ProxyRouter } from './proxy-router.js';
export { allocateAddress } from './addresses.js';

export interface EndpointRouterOptions {
  mode: 'auto' | 'nftables' | 'proxy';
  /** nft table name (nftables router), unique per service instance. */
  table: string;
  /** State directory for the proxy router (routes.json, pidfile, log). */
  stateDir: string;
  logger?: Logger;
  /** The user cache nodes run as (when not the service's own): see NftScriptOptions.nodeUid. */
  nodeUid?: number;
}

export async function createEndpointRouter(opts: EndpointRouterOptions): Promise<EndpointRouter> {
  const logger = opts.logger ?? silentLogger;
  // Kernel NAT for plain routes; durable ones (cachefleet-durable-writes) need the proxy process,
  // which the composite starts only once some route is durable.
  const nat = (): EndpointRouter => new CompositeRouter({
    nat: new NftablesRouter({ table: opts.table, logger, ...(opts.nodeUid !== undefined ? { nodeUid: opts.nodeUid } : {}) }),
    proxy: new ProxyRouter({ stateDir: opts.stateDir, logger }),
    logger,
  });
  if (opts.mode === 'nftables') return nat();
  if (opts.mode === 'proxy') return new ProxyRouter({ stateDir: opts.stateDir, logger });
  if (await NftablesRouter.available()) return nat();
  logger.warn(
    { component: 'endpoints' },
    'nftables is not usable here (needs nft and root/CAP_NET_ADMIN); endpoints use the userspace proxy ' +
      'process instead, which gives roughly half the throughput of a direct connection (kernel NAT gives ~0.9)',
  );
  return new ProxyRouter({ stateDir: opts.stateDir, logger });
}
