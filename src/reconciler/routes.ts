import { effectiveParameterValues } from '../catalog/parameters.js';
import type { DurableOptions, EndpointRoute, Target } from '../endpoints/types.js';
import type { CacheClusterRecord, CacheParameterGroupRecord, ReplicationGroupRecord } from '../store/index.js';
import { clientTarget } from './transit-routes.js';

/** The node's own port, or its sniffing listener in TransitEncryptionMode preferred (transit-routes.ts). */
const nodeTarget = (c: CacheClusterRecord): Target | undefined => (c.nodes[0] ? clientTarget(c, c.nodes[0]) : undefined);

/**
 * The group's durable-writes setting (parameters cachefleet-durable-writes and
 * cachefleet-durable-timeout-ms of its parameter group), or undefined when off or unknown.
 */
export function durableOptions(g: ReplicationGroupRecord, paramGroups?: Map<string, CacheParameterGroupRecord>): DurableOptions | undefined {
  const pg = paramGroups?.get(g.cacheParameterGroupName);
  // A TLS endpoint only passes the encrypted stream through: nothing can read the protocol there.
  if (!pg || g.transitEncryptionEnabled) return undefined;
  let eff: Record<string, string>;
  try {
    eff = effectiveParameterValues(pg.family, pg.values);
  } catch {
    return undefined; // a family the catalog does not know: none of our parameters
  }
  if (eff['cachefleet-durable-writes'] !== 'yes') return undefined;
  const ms = Number(eff['cachefleet-durable-timeout-ms']);
  return { timeoutMs: Number.isInteger(ms) && ms >= 10 && ms <= 60_000 ? ms : 1000 };
}

/**
 * The endpoint routes the records call for. Node endpoints need none (each redis-server binds its
 * own address); a group's primary endpoint goes to its primary, its reader endpoint spreads over
 * replicas whose link is up, or goes to the primary when there are none (as on ElastiCache).
 * With `paramGroups`, a group whose parameter group sets cachefleet-durable-writes to yes gets a
 * durable primary endpoint (writes acknowledged once a replica has them).
 */
export function desiredRoutes(groups: ReplicationGroupRecord[], clusters: Map<string, CacheClusterRecord>,
  paramGroups?: Map<string, CacheParameterGroupRecord>): EndpointRoute[] {
  const routes: EndpointRoute[] = [];
  for (const g of groups) {
    if (g.deleteRequested) continue;
    if (g.clusterEnabled && g.configurationEndpoint) {
      // Cluster-aware clients only discover the topology here (CLUSTER SLOTS/SHARDS/NODES) and
      // then connect to node addresses: any shard primary that answers will do.
      const primaries = (g.nodeGroups ?? []).map((ng) => clusters.get(ng.primaryClusterId))
        .filter((c): c is CacheClusterRecord => !!c && c.nodes[0]?.observed?.role === 'primary' && c.nodes[0]?.observed?.lastError === undefined)
        .map(nodeTarget).filter((t): t is Target => !!t);
      routes.push({ id: `${g.id}/configuration`, ...g.configurationEndpoint, targets: primaries });
      continue;
    }
    const primary = clusters.get(g.primaryClusterId);
    const primaryTarget = primary && nodeTarget(primary);
    const replicas = g.memberClusters
      .filter((id) => id !== g.primaryClusterId)
      .map((id) => clusters.get(id))
      .filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested && c.nodes[0]?.observed?.role === 'replica' && !!c.nodes[0]?.observed?.linkUp)
      .map(nodeTarget)
      .filter((t): t is Target => !!t);
    const durable = durableOptions(g, paramGroups);
    routes.push({ id: `${g.id}/primary`, ...g.primaryEndpoint, targets: primaryTarget ? [primaryTarget] : [], ...(durable ? { durable } : {}) });
    routes.push({ id: `${g.id}/reader`, ...g.readerEndpoint, targets: replicas.length ? replicas : primaryTarget ? [primaryTarget] : [] });
  }
  return routes;
}
