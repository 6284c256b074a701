/**
 * Which endpoints go through the IAM auth gateway (pure, over the records): the primary and
 * reader endpoints of every replication group (cluster mode disabled, TLS in transit) whose user
 * groups hold IAM users. Each such route's NAT target becomes the gateway's listener for it (the
 * endpoint's address, port + 40000), and the listener gets the route's own targets and security
 * groups. Every other route is left alone, and so is every node's own address: IAM users log in
 * through the group endpoints (node endpoints are redis-server itself, which cannot check a token).
 */
import type { EndpointRoute } from '../endpoints/types.js';
import type { ReplicationGroupRecord, UserGroupSpec, UserSpec } from '../store/index.js';
import { gatewayPort, type GatewayListener, type GatewayRbacUser } from './config.js';

export interface GatewayPlanInput {
  /** Every route, as the router is to get it (security groups applied). */
  routes: EndpointRoute[];
  groups: ReplicationGroupRecord[];
  userGroups: ReadonlyMap<string, UserGroupSpec>;
  users: ReadonlyMap<string, UserSpec>;
}

/** A listener before its certificate files are known. */
export type PlannedListener = Omit<GatewayListener, 'tls'> & { mode: 'required' | 'preferred'; certIps: string[] };

export interface GatewayPlan {
  routes: EndpointRoute[];
  listeners: PlannedListener[];
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

export function planGateway(input: GatewayPlanInput): GatewayPlan {
  const byId = new Map(input.routes.map((r) => [r.id, r]));
  const rewritten = new Map<string, EndpointRoute>();
  const listeners: PlannedListener[] = [];
  for (const g of input.groups) {
    if (g.deleteRequested || g.clusterEnabled || !g.transitEncryptionEnabled) continue;
    const users = iamUsersOf(g, input.userGroups, input.users);
    if (Object.keys(users).length === 0) continue;
    const certIps = [...new Set([g.primaryEndpoint.address, g.readerEndpoint.address])];
    for (const kind of ['primary', 'reader']) {
      const r = byId.get(`${g.id}/${kind}`);
      if (!r || r.durable || r.tlsTargets || r.exceptSources) continue; // never expected with TLS in transit
      const at = { address: r.address, port: gatewayPort(r.port) };
      listeners.push({
        id: r.id, ...at, targets: r.targets, groupId: g.id, groupArn: g.arn, users, certIps,
        mode: g.transitEncryptionMode ?? 'required',
        ...(r.allow ? { allow: r.allow } : {}), ...(r.sourceAddress ? { sourceAddress: r.sourceAddress } : {}),
      });
      if (r.targets.length > 0) {
        // The gateway checks the security groups itself (the kernel's filter is on the endpoint).
        rewritten.set(r.id, { ...r, targets: [at] });
      }
    }
  }
  return { routes: input.routes.map((r) => rewritten.get(r.id) ?? r), listeners };
}
