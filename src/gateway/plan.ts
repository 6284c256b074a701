/**
 * Which endpoints go through the IAM auth gateway (pure, over the records): every address a client
 * of a TLS replication group with IAM users can reach it by, in both cluster modes.
 * - Group endpoints (primary and reader, or the configuration endpoint in cluster mode): the
 *   route's NAT target becomes the gateway's listener for it (the endpoint's address, port +
 *   40000), and the listener gets the route's own targets and security groups.
 * - Node endpoints (describe shows them; in cluster mode CLUSTER SLOTS and MOVED name them, so
 *   cluster clients connect there after discovery): redis-server keeps its address and port, and
 *   a NAT route on that address:port sends clients to a gateway listener on the node's address,
 *   port + 40000, whose one target is the node. The route exempts the service's management
 *   address and the group's own nodes (as TLS "preferred" mode does, transit-routes.ts), so
 *   replication, the cluster bus, health checks and the gateway's own upstream connections (from
 *   the management address, or the node's own address without one: see GatewayListener's
 *   `sourceAddress`) reach redis-server directly.
 *   A node already fronted in "preferred" mode keeps its route's exemptions; the gateway takes its
 *   route's targets (the sniffing listener). Only kernel NAT can serve such routes: without it
 *   (`nodeEndpoints` false) node endpoints stay redis-server itself, which refuses a token
 *   (WRONGPASS: it knows IAM users by a secret only the gateway has), and the plan says so.
 * Security groups keep applying: each listener admits what its address:port admits (the kernel's
 * filter sees the translated connection, at the listener's port, so the gateway checks `allow`).
 */
import type { EndpointRoute, SourceFilter, Target } from '../endpoints/types.js';
import type { CacheClusterRecord, ReplicationGroupRecord, UserGroupSpec, UserSpec } from '../store/index.js';
import { gatewayPort, type GatewayGroup, type GatewayListener, type GatewayRbacUser } from './config.js';

/** What the network passes the gateway on every program of the endpoints. */
export interface GatewayRoutesInput {
  /** Every route, as the router is to get it (security groups applied). */
  routes: EndpointRoute[];
  groups: ReplicationGroupRecord[];
  clusters: ReadonlyMap<string, CacheClusterRecord>;
  /** The security groups' source filters (what each address:port admits). */
  filters: SourceFilter[];
  /** The control plane's management address: exempt from node routes, and the gateway's upstream source. */
  managementAddress?: string;
  /** Whether node endpoints can be sent through the gateway (kernel NAT with source exemptions). */
  nodeEndpoints: boolean;
}

export interface GatewayPlanInput extends GatewayRoutesInput {
  userGroups: ReadonlyMap<string, UserGroupSpec>;
  users: ReadonlyMap<string, UserSpec>;
}

/** A listener before its certificate files are known. */
export type PlannedListener = Omit<GatewayListener, 'tls'> & { mode: 'required' | 'preferred'; certIps: string[] };

export interface GatewayPlan {
  /** The routes with those of served endpoints pointed at the gateway, and the node routes added. */
  routes: EndpointRoute[];
  listeners: PlannedListener[];
  /** Groups with IAM users whose node endpoints cannot go through the gateway (no kernel NAT). */
  nodesNotServed: string[];
}

/** The IAM users of a group's user groups, by user name. */
export function iamUsersOf(g: ReplicationGroupRecord, userGroups: ReadonlyMap<string, UserGroupSpec>,
  users: ReadonlyMap<string, UserSpec>): Record<string, GatewayRbacUser> {
  const out: Record<string, GatewayRbacUser> = {};
  for (const id of g.userGroupIds ?? []) {
    for (const userId of userGroups.get(id)?.userIds ?? []) {
      const u = users.get(userId);
      if (!u || u.deleteRequested || u.authentication.type !== 'iam' || !u.authentication.nodeSecret) continue;
      out[u.userName] ??= { arn: u.arn, nodeSecret: u.authentication.nodeSecret };
    }
  }
  return out;
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/**
 * Path `node` (config.ts IamAuthPath): the groups whose nodes check IAM logins with the IAM auth
 * module, with their IAM users, by group id; what the verifier answers for. Any transit mode: the
 * module runs on the node whatever the group's TLS (aws:SecureTransport tells which). With their
 * node secrets, which the verifier hands the module for `HELLO 3 AUTH` logins only.
 */
export function planVerifierGroups(input: Pick<GatewayPlanInput, 'groups' | 'userGroups' | 'users'>): Record<string, GatewayGroup> {
  const out: Record<string, GatewayGroup> = {};
  for (const g of input.groups) {
    if (g.deleteRequested) continue;
    const users = iamUsersOf(g, input.userGroups, input.users);
    if (Object.keys(users).length === 0) continue;
    out[g.id] = { groupId: g.id, groupArn: g.arn, users };
  }
  return out;
}

export function planGateway(input: GatewayPlanInput): GatewayPlan {
  const byId = new Map(input.routes.map((r) => [r.id, r]));
  const admits = new Map(input.filters.map((f) => [`${f.address}:${f.port}`, f.allow]));
  const rewritten = new Map<string, EndpointRoute>();
  const added: EndpointRoute[] = [];
  const listeners: PlannedListener[] = [];
  const nodesNotServed: string[] = [];
  for (const g of input.groups) {
    if (g.deleteRequested || !g.transitEncryptionEnabled) continue;
    const users = iamUsersOf(g, input.userGroups, input.users);
    if (Object.keys(users).length === 0) continue;
    const members = g.memberClusters.map((id) => input.clusters.get(id)).filter((c): c is CacheClusterRecord => !!c && !c.deleteRequested);
    const nodes = members.flatMap((c) => c.nodes.map((n) => ({ c, n })));
    const endpoints = g.clusterEnabled
      ? (g.configurationEndpoint ? [{ kind: 'configuration', ...g.configurationEndpoint }] : [])
      : [{ kind: 'primary', ...g.primaryEndpoint }, { kind: 'reader', ...g.readerEndpoint }];
    // One certificate per group, for every address a client may reach it by.
    const certIps = sorted([...endpoints.map((e) => e.address), ...(input.nodeEndpoints ? nodes.map(({ n }) => n.address) : [])]);
    const common = { groupId: g.id, groupArn: g.arn, users, certIps, mode: g.transitEncryptionMode ?? 'required' } as const;
    const listen = (id: string, at: Target, targets: Target[], allow: string[] | undefined, sourceAddress: string | undefined): void => {
      listeners.push({ id, ...at, targets, ...common, ...(allow ? { allow } : {}), ...(sourceAddress ? { sourceAddress } : {}) });
    };

    for (const e of endpoints) {
      const r = byId.get(`${g.id}/${e.kind}`);
      if (!r || r.durable || r.tlsTargets || r.exceptSources) continue; // never expected with TLS in transit
      const at = { address: r.address, port: gatewayPort(r.port) };
      listen(r.id, at, r.targets, r.allow, r.sourceAddress ?? input.managementAddress);
      if (r.targets.length > 0) rewritten.set(r.id, { ...r, targets: [at] }); // none: the route stays refused
    }

    if (!input.nodeEndpoints) {
      if (nodes.length > 0) nodesNotServed.push(g.id);
      continue;
    }
    const exempt = sorted([...(input.managementAddress ? [input.managementAddress] : []), ...nodes.map(({ n }) => n.address)]);
    for (const { c, n } of nodes) {
      const id = `${c.id}/${n.id}`;
      const fronted = byId.get(id); // TLS "preferred": NAT to the sniffing listener, with exemptions
      if (fronted && (!fronted.exceptSources?.length || fronted.durable || fronted.tlsTargets)) continue; // never expected
      const at = { address: n.address, port: gatewayPort(n.port) };
      listen(id, at, fronted ? fronted.targets : [{ address: n.address, port: n.port }], admits.get(`${n.address}:${n.port}`),
        input.managementAddress);
      if (fronted) rewritten.set(id, { ...fronted, targets: [at] });
      else added.push({ id, address: n.address, port: n.port, targets: [at], exceptSources: exempt });
    }
  }
  return { routes: [...input.routes.map((r) => rewritten.get(r.id) ?? r), ...added], listeners, nodesNotServed };
}
