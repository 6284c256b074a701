/**
 * The one owner of the network in front of the cache nodes: group endpoint routes, security-group
 * source filters, the failover's endpoint switch and the dropping of connections to a replaced
 * primary. Constructed once (at service start) and injected into the reconciler and the failover
 * runners, so nothing else programs the router and every program of it comes from the same rules.
 */
import type { EndpointRoute, EndpointRouter } from '../endpoints/types.js';
import { MergedViews, type CacheClusterRecord, type ReplicationGroupRecord, type StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { NetworkPolicy } from './network-policy.js';
import { desiredRoutes } from './routes.js';
import { clientTarget, transitRoutes } from './transit-routes.js';

/** What the failover runner needs of the network: the endpoint step of a failover. */
export interface EndpointSwitch {
  /**
   * Re-programs a group's endpoints for its shards' new primaries, now (not at the end of the
   * pass); `from` is the replaced primary, if known, whose connections through the group's
   * primary endpoint are then dropped.
   */
  switchEndpoint(g: ReplicationGroupRecord, from: CacheClusterRecord | undefined): Promise<void>;
}

export interface EndpointNetworkDeps {
  /** Read only: groups, clusters, parameter groups, security groups, network interfaces. */
  store: Pick<StateStore, 'list' | 'get'>;
  /** The same, as the service's reads kept between commits (view-cache.ts); default: straight from `store`. */
  views?: MergedViews;
  router: EndpointRouter;
  logger: Logger;
  /**
   * The control plane's management address (where its own connections to nodes come from): every
   * filter admits it, proxied routes connect from it, and nodes in TLS `preferred` mode exempt it.
   */
  managementAddress?: string;
  /**
   * The IAM auth gateway (src/gateway): group endpoints of groups with IAM users are sent through
   * it. Absent: no IAM authentication of Redis connections (tests that need none).
   */
  gateway?: { apply(routes: EndpointRoute[], groups: ReplicationGroupRecord[]): Promise<EndpointRoute[]> };
}

/**
 * Endpoint routes and security-group filters, programmed as the records call for. Every program
 * is one `router.sync` of routes and filters together (one nft transaction): a route never
 * exists without the filter of the nodes it leads to. The router skips a set it has already
 * programmed (re-reading its table now and then to repair drift), so a pass may sync freely.
 */
export class EndpointNetwork implements EndpointSwitch {
  private warnedUnfiltered = false;
  private readonly views: MergedViews;

  constructor(private readonly d: EndpointNetworkDeps) {
    this.views = d.views ?? new MergedViews(d.store);
  }

  /** Programs the routes and filters the stored records call for, with `clusters` as just observed. */
  async sync(clusters: Map<string, CacheClusterRecord>): Promise<void> {
    const groups = (await this.views.groups()).map((r) => r.doc);
    await this.program(groups, clusters);
  }

  /**
   * Failover's endpoint step: programs the routes with `g` as given (its new primary, not yet
   * persisted) and the stored clusters, then drops the connections the NAT still maps from the
   * group's primary endpoint to the old primary (cluster mode enabled has no primary endpoint:
   * its clients follow the cluster's redirections).
   */
  async switchEndpoint(g: ReplicationGroupRecord, from: CacheClusterRecord | undefined): Promise<void> {
    const groups = (await this.views.groups()).map((r) => (r.id === g.id ? g : r.doc));
    const clusters = new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
    await this.program(groups, clusters);
    const old = from?.nodes[0];
    if (old && !g.clusterEnabled) await this.d.router.dropConnections(`${g.id}/primary`, clientTarget(from, old));
  }

  private async program(groups: ReplicationGroupRecord[], clusters: Map<string, CacheClusterRecord>): Promise<void> {
    const { router, managementAddress } = this.d;
    const store = this.views.reads;
    const paramGroups = new Map((await store.list('cacheParameterGroup')).map((r) => [r.doc.name, r.doc]));
    const policy = new NetworkPolicy({
      groups, clusters,
      securityGroups: (await store.list('securityGroup')).map((r) => r.doc),
      interfaces: (await store.list('networkInterface')).map((r) => r.doc),
      ...(managementAddress ? { managementAddress } : {}),
    });
    const filters = policy.filters();
    if (filters.length > 0 && !router.filtersEnforced && !this.warnedUnfiltered) {
      this.warnedUnfiltered = true;
      this.d.logger.warn({ router: router.kind },
        'security groups are enforced only at group endpoints here (the proxy checks each client); node addresses accept any ' +
        'local source because nftables is not usable (it needs nft and root/CAP_NET_ADMIN)');
    }
    const routes = [...desiredRoutes(groups, clusters, paramGroups), ...transitRoutes(groups, clusters, managementAddress)];
    let programmed = policy.applyToRoutes(routes, filters);
    // Before the router: a route is pointed at the gateway only once it listens there.
    if (this.d.gateway) programmed = await this.d.gateway.apply(programmed, groups);
    await router.sync(programmed, filters);
  }
}
