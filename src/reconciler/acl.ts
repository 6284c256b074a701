/**
 * Role-based access control on the nodes: which Redis ACL users a node must have, and bringing a
 * running node's ACL to exactly that.
 *
 * A node of a replication group with user groups has: cachefleet's admin user (never touched
 * here), `default` with the rules of the user group's user named `default`, and every other user
 * of the group's user groups — `reset`, its access string, then `#<sha256>` of each password or
 * `nopass`. Any other user is deleted (ACL DELUSER, which also closes its connections). Without
 * user groups, `default` follows the AUTH token state (security.ts) and no other user is kept, so
 * detaching a user group removes its users.
 *
 * The same users are rendered as `user` lines of the node's redis.conf (desired.ts), so a node
 * that starts — after a failover, a self-healing restart, as a new replica — has them from its
 * first command on; a running node gets them live (ACL SETUSER is atomic and keeps connections).
 *
 * Comparing with the node is level-triggered on `ACL LIST`: a user is set again unless its line is
 * the one the node showed right after these very rules were applied (Redis prints rules its own
 * way, so the line it printed is remembered, not predicted). After a restart of the control plane
 * every user is set once more, which changes nothing for clients.
 */
import { createHash } from 'node:crypto';
import { userRules } from '../security/access-string.js';
import { restrictCustomerRules } from '../security/restricted-commands.js';
import type { AclUser, NodeAcl } from '../security/node-acl.js';
import { ADMIN_USER } from '../security/node-security.js';
import type { CacheClusterRecord, ReplicationGroupRecord, StateStore, UserGroupSpec, UserSpec } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export const DEFAULT_USER = 'default';

/** What applying needs of a node connection (an ioredis client). */
export interface AclClient {
  call(command: string, args: string[]): Promise<unknown>;
}

/** Rules of a user whose stored access string no longer parses (never expected): off, no command, no key. */
const LOCKED = restrictCustomerRules(['reset', 'off']);

/** The users of a user group member, as ACL rules. */
export function aclUser(u: UserSpec): AclUser {
  let rules: string[];
  try {
    rules = userRules(u.accessString, u.authentication.passwordHashes, u.authentication.type === 'no-password-required');
  } catch {
    rules = LOCKED;
  }
  return { name: u.userName, rules };
}

/**
 * The ACL a node of `group` must have (pure), from the desired halves of users and user groups
 * only. User groups and users missing from the maps, and users being deleted, are left out; a user name appearing twice keeps its first user (user
 * groups hold one user per name). Under RBAC without a `default` user (never expected: user
 * groups must hold one), `default` is locked rather than left open.
 */
export function desiredAcl(group: Pick<ReplicationGroupRecord, 'userGroupIds'> | undefined,
  userGroups: ReadonlyMap<string, Pick<UserGroupSpec, 'userIds'>>, users: ReadonlyMap<string, UserSpec>): NodeAcl {
  const ids = group?.userGroupIds ?? [];
  const byName = new Map<string, AclUser>();
  const iam = new Set<string>();
  for (const id of ids) {
    for (const userId of userGroups.get(id)?.userIds ?? []) {
      const u = users.get(userId);
      if (!u || u.deleteRequested || byName.has(u.userName) || u.userName === ADMIN_USER) continue;
      byName.set(u.userName, aclUser(u));
      if (u.authentication.type === 'iam') iam.add(u.userName);
    }
  }
  const rbac = ids.length > 0;
  const others = [...byName.values()].filter((u) => u.name !== DEFAULT_USER).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const list = rbac ? [byName.get(DEFAULT_USER) ?? { name: DEFAULT_USER, rules: LOCKED }, ...others] : [];
  const iamUsers = rbac ? [...iam].filter((n) => n !== DEFAULT_USER).sort() : [];
  const fingerprint = createHash('sha256').update(JSON.stringify(iamUsers.length ? [rbac, list, iamUsers] : [rbac, list])).digest('hex').slice(0, 32);
  return { rbac, users: list, iamUsers, fingerprint };
}

/** The ACL a cluster's node must have, from the records (its group, the group's user groups and their users). */
export async function loadNodeAcl(store: StateStore, c: Pick<CacheClusterRecord, 'replicationGroupId'>): Promise<NodeAcl> {
  const group = c.replicationGroupId ? (await store.get('replicationGroup', c.replicationGroupId))?.doc : undefined;
  const userGroups = new Map<string, UserGroupSpec>();
  const users = new Map<string, UserSpec>();
  for (const id of group?.userGroupIds ?? []) {
    const ug = (await store.get('userGroup', id))?.doc;
    if (!ug) continue;
    userGroups.set(id, ug);
    for (const userId of ug.userIds) {
      if (users.has(userId)) continue;
      const u = (await store.get('user', userId))?.doc;
      if (u) users.set(userId, u);
    }
  }
  return desiredAcl(group, userGroups, users);
}

/** `user` lines of redis.conf (without the directive name) for these users. */
export function aclConfigLines(users: AclUser[]): string[] {
  return users.map((u) => [u.name, ...u.rules].join(' '));
}

/** `ACL LIST`'s reply by user name (each line `user <name> <rules…>`). */
export function parseAclList(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of Array.isArray(reply) ? reply.map(String) : []) {
    const m = /^user (\S+)(?: |$)/.exec(line);
    if (m) out.set(m[1]!, line);
  }
  return out;
}

export interface AclPlan {
  /** Users to (re)set with ACL SETUSER. */
  set: AclUser[];
  /** Users to remove with ACL DELUSER: on the node, not wanted, neither the admin user nor `default`. */
  del: string[];
}

/** What a user's line must be remembered as once its rules were applied. */
function memo(u: AclUser, line: string | undefined): string {
  return JSON.stringify([u.rules, line ?? null]);
}

/**
 * What to change on a node (pure): `live` is its ACL LIST by name; `applied` remembers, per user,
 * the rules last applied there with the line the node then showed.
 */
export function planAcl(acl: NodeAcl, live: ReadonlyMap<string, string>, applied: ReadonlyMap<string, string>): AclPlan {
  const wanted = new Set(acl.users.map((u) => u.name));
  const set = acl.users.filter((u) => {
    const line = live.get(u.name);
    return line === undefined || applied.get(u.name) !== memo(u, line);
  });
  const del = [...live.keys()].filter((name) => name !== ADMIN_USER && name !== DEFAULT_USER && !wanted.has(name)).sort();
  return { set, del };
}

/** Applies NodeAcl to running nodes, remembering per node what it applied (see planAcl). */
export class AclApplier {
  private readonly applied = new Map<string, Map<string, string>>();

  /** Brings the node's users to `acl`; returns what it changed. Throws when the node cannot be asked. */
  async apply(client: AclClient, key: string, acl: NodeAcl): Promise<AclPlan> {
    const live = parseAclList(await client.call('ACL', ['LIST']));
    const applied = this.applied.get(key) ?? new Map<string, string>();
    const plan = planAcl(acl, live, applied);
    for (const u of plan.set) await client.call('ACL', ['SETUSER', u.name, ...u.rules]);
    if (plan.del.length) await client.call('ACL', ['DELUSER', ...plan.del]);
    for (const name of plan.del) applied.delete(name);
    if (plan.set.length) {
      const after = parseAclList(await client.call('ACL', ['LIST']));
      for (const u of plan.set) applied.set(u.name, memo(u, after.get(u.name)));
    }
    this.applied.set(key, applied);
    return plan;
  }

  forget(key: string): void {
    this.applied.delete(key);
  }
}

/**
 * The ACL part of the security step (security.ts): applies a node's NodeAcl live and remembers
 * which fingerprint each node has, for the cluster record (appliedAcl) and so for the RBAC
 * statuses (rbac-controller.ts).
 */
export class AclStep {
  private readonly applier = new AclApplier();
  private readonly live = new Map<string, string>();

  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  /** Applies `acl` live; returns what it changed. */
  async apply(client: AclClient, c: Pick<CacheClusterRecord, 'id'>, nodeId: string, key: string, acl: NodeAcl): Promise<AclPlan> {
    const plan = await this.applier.apply(client, key, acl);
    if (plan.set.length || plan.del.length) {
      // Names only: rules hold password hashes.
      this.logger.info({ resource: c.id, node: nodeId, set: plan.set.map((u) => u.name), deleted: plan.del }, 'ACL users applied live');
    }
    this.live.set(key, acl.fingerprint);
    return plan;
  }

  /** The fingerprint live on every one of these nodes, if they all have the same. */
  applied(keys: string[]): string | undefined {
    const seen = new Set(keys.map((k) => this.live.get(k)));
    return seen.size === 1 ? [...seen][0] : undefined;
  }

  forget(key: string): void {
    this.applier.forget(key);
    this.live.delete(key);
  }
}
