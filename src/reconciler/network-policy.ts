/**
 * Security groups as network policy: which sources may open connections to each address a client
 * can reach (a group's primary/reader/configuration endpoints and every node's own address, since
 * cluster clients connect to nodes directly). Pure: records in, source filters out.
 *
 * A cache with no security groups is open to every local source (as before security groups
 * existed here). With groups, a source is admitted when an ingress rule of one of them allows TCP
 * on the port from it: by CIDR, or by another group's id, whose members are the addresses of the
 * network interfaces and cache nodes carrying that group. The service itself is always admitted:
 * the control plane's management address and the cache's own nodes (replication, cluster bus).
 */
import type { EndpointRoute, SourceFilter } from '../endpoints/types.js';
import { internalTlsPort, sniffPort } from '../engine/transit.js';
import { sniffing } from './transit-routes.js';
import { isServerlessBacking } from '../resources/serverless.js';
import type {
  CacheClusterRecord, IpPermissionRecord, NetworkInterfaceRecord, ReplicationGroupRecord, SecurityGroupRecord,
} from '../store/index.js';

export interface NetworkPolicyInput {
  groups: ReplicationGroupRecord[];
  clusters: Map<string, CacheClusterRecord>;
  securityGroups: SecurityGroupRecord[];
  interfaces: NetworkInterfaceRecord[];
  /** Where the control plane's own connections to nodes come from. */
  managementAddress?: string;
}

/** Redis Cluster's bus: the data port + 10000, spoken only between a cache's own nodes. */
const BUS_OFFSET = 10_000;

/** Whether `p` admits TCP to `port`. */
function coversTcpPort(p: IpPermissionRecord, port: number): boolean {
  if (p.ipProtocol === '-1') return true;
  if (p.ipProtocol !== 'tcp') return false;
  return p.fromPort === undefined || p.toPort === undefined || (port >= p.fromPort && port <= p.toPort);
}

/** The security group ids governing a cluster: its replication group's, or its own when standalone. */
function groupIdsOf(c: CacheClusterRecord, groups: Map<string, ReplicationGroupRecord>): string[] {
  const g = c.replicationGroupId ? groups.get(c.replicationGroupId) : undefined;
  return g ? g.securityGroupIds : c.securityGroupIds;
}

export class NetworkPolicy {
  private readonly sgs: Map<string, SecurityGroupRecord>;
  /** Security group id → addresses of its members (interfaces and cache nodes). */
  private readonly members = new Map<string, Set<string>>();
  private readonly groups: Map<string, ReplicationGroupRecord>;

  constructor(private readonly input: NetworkPolicyInput) {
    this.sgs = new Map(input.securityGroups.map((s) => [s.groupId, s]));
    this.groups = new Map(input.groups.filter((g) => !g.deleteRequested).map((g) => [g.id, g]));
    const add = (sg: string, address: string): void => {
      let set = this.members.get(sg);
      if (!set) this.members.set(sg, (set = new Set()));
      set.add(address);
    };
    for (const eni of input.interfaces) for (const sg of eni.groupIds) add(sg, eni.privateIpAddress);
    for (const c of input.clusters.values()) {
      if (c.deleteRequested) continue;
      for (const sg of groupIdsOf(c, this.groups)) for (const n of c.nodes) add(sg, n.address);
    }
  }

  /** Sources admitted to `port` by `sgIds` (their ingress rules), plus `always`. */
  allowed(sgIds: readonly string[], port: number, always: readonly string[]): string[] {
    const out = new Set(always);
    for (const id of sgIds) {
      const sg = this.sgs.get(id);
      if (!sg) continue; // a group that is gone admits nobody (fail closed)
      for (const p of sg.ingress) {
        if (!coversTcpPort(p, port)) continue;
        for (const r of p.ipRanges) out.add(r.cidrIp);
        for (const pair of p.groupPairs) for (const a of this.members.get(pair.groupId) ?? []) out.add(a);
      }
    }
    return [...out].sort();
  }

  /** The cache's own nodes and the management address: always admitted. */
  private internal(nodes: CacheClusterRecord[]): string[] {
    const own = nodes.flatMap((c) => c.nodes.map((n) => n.address));
    return this.input.managementAddress ? [this.input.managementAddress, ...own] : own;
  }

  /** Source filters for every address of every cache that has security groups. */
  filters(): SourceFilter[] {
    const out: SourceFilter[] = [];
    const nodeFilters = (clusters: CacheClusterRecord[], sgIds: string[], bus: boolean): void => {
      const internal = this.internal(clusters);
      for (const c of clusters) {
        for (const n of c.nodes) {
          const allow = this.allowed(sgIds, n.port, internal);
          out.push({ id: `${c.id}/${n.id}`, address: n.address, port: n.port, allow });
          if (sniffing(c, n)) {
            // TransitEncryptionMode preferred: clients reach the sniffing listener (through the node's
            // NAT rule) and may reach the internal TLS port; both admit what the node's port admits.
            out.push({ id: `${c.id}/${n.id}/tls-sniff`, address: n.address, port: sniffPort(n.port), allow });
            out.push({ id: `${c.id}/${n.id}/tls`, address: n.address, port: internalTlsPort(n.port), allow });
          }
          if (bus) out.push({ id: `${c.id}/${n.id}/bus`, address: n.address, port: n.port + BUS_OFFSET, allow: internal });
        }
      }
    };
    for (const g of this.groups.values()) {
      // A serverless cache's backing group admits the service alone (its endpoint engine connects
      // from the management address, and the nodes' own connections pass as the node user's):
      // clients reach the cache through its endpoint, whose allow list is the cache's security groups.
      const backing = isServerlessBacking(g.id);
      if (!backing && g.securityGroupIds.length === 0) continue;
      const sgIds = backing ? [] : g.securityGroupIds;
      const members = g.memberClusters.map((id) => this.input.clusters.get(id)).filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested);
      const internal = this.internal(members);
      const endpoints = g.clusterEnabled && g.configurationEndpoint
        ? [['configuration', g.configurationEndpoint] as const]
        : [['primary', g.primaryEndpoint] as const, ['reader', g.readerEndpoint] as const];
      for (const [name, e] of endpoints) {
        out.push({ id: `${g.id}/${name}`, address: e.address, port: e.port, allow: this.allowed(sgIds, e.port, internal) });
      }
      nodeFilters(members, sgIds, !!g.clusterEnabled);
    }
    for (const c of this.input.clusters.values()) {
      if (c.deleteRequested || c.replicationGroupId || c.securityGroupIds.length === 0) continue;
      nodeFilters([c], c.securityGroupIds, false);
    }
    return out;
  }

  /**
   * The routes with their `allow` lists (the proxy process checks those itself) and the address
   * the proxy binds upstream connections to.
   */
  applyToRoutes(routes: EndpointRoute[], filters: SourceFilter[]): EndpointRoute[] {
    const byAddress = new Map(filters.map((f) => [`${f.address}:${f.port}`, f.allow]));
    const source = this.input.managementAddress;
    return routes.map((r) => {
      const allow = byAddress.get(`${r.address}:${r.port}`);
      const from = r.sourceAddress ?? source;
      return { ...r, ...(allow ? { allow } : {}), ...(from ? { sourceAddress: from } : {}) };
    });
  }
}
