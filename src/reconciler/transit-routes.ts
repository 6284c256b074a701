/**
 * Endpoints of nodes in TransitEncryptionMode `preferred`: TLS and plaintext clients on the same
 * address and port. Redis serves plaintext on the node's port and TLS on an internal one (see
 * engine/transit.ts); in front of them:
 * - a sniffing listener (served by the endpoint proxy process) on the node's address and sniff
 *   port, which reads a client's first byte (a TLS ClientHello starts with 0x16) and passes the
 *   connection through to the TLS or the plaintext listener, without decrypting anything;
 * - a NAT rule that sends client connections for the node's address:port to that listener. The
 *   cache's own nodes (replication, cluster bus handshakes, MIGRATE) and the control plane's
 *   management address are exempt: they reach redis-server directly, so neither replication nor
 *   the health checks depend on the proxy process;
 * - group endpoints (primary, reader, configuration) target the sniffing listeners instead of
 *   the nodes' ports (NAT translates a connection once, so it must land on the listener directly).
 * A node is fronted this way while its cluster asks for `preferred` or it still serves `preferred`
 * (on the way to `required` or to plaintext): the listener copes with every live mode, trying the
 * internal TLS port and then the node's port for TLS clients.
 */
import { internalTlsPort, sniffPort, transitModeOf } from '../engine/transit.js';
import type { EndpointRoute, Target } from '../endpoints/types.js';
import type { CacheClusterRecord, CacheNodeRecord, ReplicationGroupRecord } from '../store/index.js';

/** Whether the node is fronted by a sniffing listener. */
export function sniffing(c: CacheClusterRecord, n: CacheNodeRecord): boolean {
  return transitModeOf(c) === 'preferred' || n.transit === 'preferred';
}

/** Where a group endpoint sends clients of this node: its sniffing listener, or redis-server itself. */
export function clientTarget(c: CacheClusterRecord, n: CacheNodeRecord): Target {
  return { address: n.address, port: sniffing(c, n) ? sniffPort(n.port) : n.port };
}

/** The addresses of every node of the cluster's group (or of the cluster alone). */
function ownNodes(c: CacheClusterRecord, groups: Map<string, ReplicationGroupRecord>, clusters: Map<string, CacheClusterRecord>): string[] {
  const g = c.replicationGroupId ? groups.get(c.replicationGroupId) : undefined;
  const members = g ? g.memberClusters.map((id) => clusters.get(id)).filter((m): m is CacheClusterRecord => !!m) : [c];
  return members.flatMap((m) => m.nodes.map((n) => n.address));
}

/**
 * The sniffing listeners and node NAT rules for every node that needs them. The proxy's upstream
 * connections come from the management address (or, without one, the node's own address), both
 * exempt from the node's NAT rule.
 */
export function transitRoutes(groups: ReplicationGroupRecord[], clusters: Map<string, CacheClusterRecord>,
  managementAddress: string | undefined): EndpointRoute[] {
  const byId = new Map(groups.filter((g) => !g.deleteRequested).map((g) => [g.id, g]));
  const routes: EndpointRoute[] = [];
  for (const c of clusters.values()) {
    if (c.deleteRequested || !c.nodes.some((n) => sniffing(c, n))) continue;
    const exempt = [...new Set([...(managementAddress ? [managementAddress] : []), ...ownNodes(c, byId, clusters)])].sort();
    for (const n of c.nodes) {
      if (!sniffing(c, n)) continue;
      const listener = { address: n.address, port: sniffPort(n.port) };
      routes.push({ id: `${c.id}/${n.id}`, address: n.address, port: n.port, targets: [listener], exceptSources: exempt });
      routes.push({
        id: `${c.id}/${n.id}/tls-sniff`, ...listener,
        targets: [{ address: n.address, port: n.port }],
        tlsTargets: [{ address: n.address, port: internalTlsPort(n.port) }, { address: n.address, port: n.port }],
        sourceAddress: managementAddress ?? n.address,
      });
    }
  }
  return routes;
}
