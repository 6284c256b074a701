import type { EndpointRoute, Target } from '../endpoints/types.js';
import type { CacheClusterRecord, ReplicationGroupRecord } from '../store/index.js';

const nodeTarget = (c: CacheClusterRecord): Target | undefined =>
  c.nodes[0] ? { address: c.nodes[0].address, port: c.nodes[0].port } : undefined;

/**
 * The endpoint routes the records call for. Node endpoints need none (each redis-server binds its
 * own address); a group's primary endpoint goes to its primary, its reader endpoint spreads over
 * replicas whose link is up, or goes to the primary when there are none (as on ElastiCache).
 */
export function desiredRoutes(groups: ReplicationGroupRecord[], clusters: Map<string, CacheClusterRecord>): EndpointRoute[] {
  const routes: EndpointRoute[] = [];
  for (const g of groups) {
    if (g.deleteRequested) continue;
    const primary = clusters.get(g.primaryClusterId);
    const primaryTarget = primary && nodeTarget(primary);
    const replicas = g.memberClusters
      .filter((id) => id !== g.primaryClusterId)
      .map((id) => clusters.get(id))
      .filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested && c.nodes[0]?.observed?.role === 'replica' && !!c.nodes[0]?.observed?.linkUp)
      .map(nodeTarget)
      .filter((t): t is Target => !!t);
    routes.push({ id: `${g.id}/primary`, ...g.primaryEndpoint, targets: primaryTarget ? [primaryTarget] : [] });
    routes.push({ id: `${g.id}/reader`, ...g.readerEndpoint, targets: replicas.length ? replicas : primaryTarget ? [primaryTarget] : [] });
  }
  return routes;
}
