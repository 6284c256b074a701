import type { NodeSpec } from '../engine/types.js';
import { configGet, configSet, whenReady } from '../engine/admin.js';
import { withNodeConnection } from '../engine/connect.js';
import { defaultUserRules } from '../security/auth-token.js';
import { isRestrictedAllCommands } from '../security/restricted-commands.js';
import type { NodeSecurity, NodeSecuritySpec } from '../security/node-security.js';
import type { NodeAcl } from '../security/node-acl.js';
import { iamModuleArgs } from '../security/iam-module.js';
import { loadModuleOf, syncIamModule } from './iam-module-live.js';
import type { CacheClusterRecord, CacheNodeRecord, ReplicationGroupRecord, ReplicationGroupSpec } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { groupAddresses } from './group-delete.js';
import { AclStep, loadNodeAcl } from './acl.js';
import { nodeKey } from '../resources/naming.js';
import { transitModeOf } from '../engine/transit.js';
import { moveTransit, readLiveTransit } from './transit.js';

/**
 * The security step of a cache cluster's nodes, run by the cluster controller:
 * - before a node is started: its certificate (TLS in transit), for every address a client can
 *   reach it by — its own and its group's endpoint addresses, which pass TLS through (NAT);
 * - on running nodes: what the rendered redis.conf says but a running process only takes live —
 *   the `default` user's ACL (AUTH token rotation: ACL SETUSER, which disconnects nobody),
 *   masteruser/masterauth, and a re-issued certificate (CONFIG SET of new file paths reloads TLS).
 *
 * A node whose live state was verified is not asked again until its process (run id) or what it
 * should have changes: a steady pass sends nothing.
 */
export class SecurityStep {
  /** Node key → what was verified live on it (fingerprint of run id and desired state). */
  private readonly verified = new Map<string, string>();
  /** RBAC: the ACL users of the node besides admin (and `default` when user groups are attached). */
  readonly acl: AclStep;
  /**
   * Nodes found serving another TLS mode than recorded (a control plane stopped in the middle of
   * a change). Their switch waits for the next pass: first the records, the routes and the group's
   * status follow what the node really serves (`modifying`), then the node moves on.
   */
  private readonly discovered = new Set<string>();
  /** Nodes already warned about an IAM auth module that cannot be loaded live (said once). */
  private readonly moduleWarned = new Set<string>();
  /** Nodes the drift check asked to verify again (recheck) → the fingerprint they had been verified with. */
  private readonly rechecking = new Map<string, string>();
  /**
   * Node key → the default user's rules last set there and the `commands` its ACL GETUSER then
   * showed: Redis 7.0 describes a long rule list in words of its own (`+@all -@admin +role …`),
   * so what it showed right after is what the same rules look like on that node.
   */
  private readonly defaultShown = new Map<string, string>();

  constructor(private readonly d: ReconcilerDeps, private readonly security: NodeSecurity) {
    this.acl = new AclStep(d.logger);
  }

  /** The security part of a node's spec; issues its certificate when needed. */
  async nodeSecurity(c: CacheClusterRecord, n: CacheNodeRecord, key: string): Promise<NodeSecuritySpec> {
    const want = transitModeOf(c);
    // The admin connection speaks what the process serves now, which lags the cluster's mode while it moves.
    this.security.setNodeTls(n.address, n.port, (n.transit ?? want) === 'required');
    const acl = await loadNodeAcl(this.d.store, c);
    const base = { adminUser: this.security.adminUser, adminPassword: this.security.adminPassword, acl, ...(await this.iamModule(c, key, acl)) };
    if (want === 'none') return base;
    const group = c.replicationGroupId ? (await this.d.store.get('replicationGroup', c.replicationGroupId))?.doc : undefined;
    return { ...base, tls: { ...(await this.security.certs.ensure(key, certificateAddresses(n, group))), mode: want } };
  }

  /** The IAM auth module for a node of a group with IAM users (none without, or without a built module). */
  private async iamModule(c: CacheClusterRecord, key: string, acl: NodeAcl): Promise<Pick<NodeSecuritySpec, 'iamModule'>> {
    const setup = this.security.iamModule;
    if (!setup || acl.iamUsers.length === 0) return {};
    const args = iamModuleArgs({
      socket: setup.socket, adminUser: this.security.adminUser, group: c.replicationGroupId ?? c.id, users: acl.iamUsers,
      maxConnectionMs: setup.maxConnectionMs,
    });
    return { iamModule: { path: await this.security.placeIamModule(key), args } };
  }

  /** A process just started from the rendered config: it serves the cluster's mode. */
  started(c: CacheClusterRecord, n: CacheNodeRecord): void {
    n.transit = transitModeOf(c);
    this.security.setNodeTls(n.address, n.port, n.transit === 'required');
  }

  /**
   * The admin connection failed: perhaps the node serves TLS where it was believed not to (or the
   * reverse: a control plane that stopped in the middle of a mode change). Tries the other way
   * once; true when that reached the node, whose live mode is then recorded.
   */
  async probeTransit(c: CacheClusterRecord, n: CacheNodeRecord): Promise<boolean> {
    if (transitModeOf(c) === 'none' && (n.transit ?? 'none') === 'none') return false;
    const tls = this.security.nodeTls(n.address, n.port);
    this.security.setNodeTls(n.address, n.port, !tls);
    try {
      const client = this.d.admin.client(n.address, n.port);
      await whenReady(client);
      const recorded = n.transit;
      n.transit = await readLiveTransit(client);
      this.security.setNodeTls(n.address, n.port, n.transit === 'required');
      if (n.transit !== recorded) this.discovered.add(nodeKey(c.id, n.id));
      this.d.logger.info({ resource: c.id, node: n.id, transit: n.transit }, 'node found serving another TLS mode than recorded');
      return true;
    } catch {
      this.security.setNodeTls(n.address, n.port, tls);
      return false;
    }
  }

  /**
   * Brings a running node's live security settings to `spec`. True once they match (now or
   * already); false when the node could not be checked (it is asked again next pass).
   */
  async applyLive(c: CacheClusterRecord, n: CacheNodeRecord, key: string, spec: NodeSpec): Promise<boolean> {
    const acl = await loadNodeAcl(this.d.store, c);
    // With user groups (RBAC), `default` is the user group's default user, applied with the others below.
    const rules = acl.rbac ? acl.users[0]!.rules : defaultUserRules(c.auth);
    const want = transitModeOf(c);
    const iamModule = loadModuleOf(spec.config);
    const fingerprint = JSON.stringify([n.observed?.runId, rules, spec.tls, this.security.adminPasswordHash, acl.fingerprint, want, iamModule]);
    if (this.verified.get(key) === fingerprint && n.transit === want) return true;
    if (this.discovered.delete(key) && n.transit !== want) {
      this.d.logger.info({ resource: c.id, node: n.id, serves: n.transit, want }, 'TLS mode change resumes next pass, once status and routes follow the node');
      return false;
    }
    try {
      // The connection made in the node's current mode takes every step (a connection outlives its
      // listener); from then on the pool connects in the new mode.
      const path = await moveTransit(await this.d.admin.ready(n.address, n.port), spec, want);
      n.transit = want;
      this.security.setNodeTls(n.address, n.port, want === 'required');
      if (path.length > 0) {
        this.d.logger.info({ resource: c.id, node: n.id, steps: path }, 'TLS in transit mode changed live');
        await this.d.events.emit('cache-cluster', c.id, want === 'none'
          ? `TLS in transit turned off for cache cluster ${c.id}` : `Cache cluster ${c.id} now serves TransitEncryptionMode ${want}`);
        // Not settled yet: the step closed connections (replica links among them) that observations
        // made earlier in this pass, perhaps concurrently, still show up. The next pass observes
        // the nodes again, and the rest of this step runs then.
        return false;
      }
      const client = await this.d.admin.ready(n.address, n.port);
      const plan = await this.acl.apply(client, c, n.id, key, acl);
      const changed = [...plan.set.map((u) => `ACL user ${u.name}`), ...plan.del.map((name) => `ACL user ${name} (not wanted)`)];
      // After the ACL: the module logs clients in as ACL users, which must exist by then. A node
      // that cannot load it live (started before nodes had enable-module-command) gets the rest of
      // this step, and loads it from its redis.conf at its next start.
      let moduleFailed = false;
      try {
        const moduleChanges = await syncIamModule(client, iamModule);
        if (moduleChanges.length) this.d.logger.info({ resource: c.id, node: n.id, changes: moduleChanges }, 'IAM auth module applied live');
        changed.push(...moduleChanges);
      } catch (err) {
        moduleFailed = true;
        if (!this.moduleWarned.has(key)) {
          this.moduleWarned.add(key);
          this.d.logger.warn({ resource: c.id, node: n.id, err: (err as Error).message },
            'could not apply the IAM auth module live (IAM logins are refused on this node until it is loaded; a reboot loads it)');
        }
      }
      if (!acl.rbac && !sameDefaultUser(await client.call('ACL', ['GETUSER', 'default']), rules, this.defaultShown.get(key))) {
        await client.call('ACL', ['SETUSER', 'default', ...rules]);
        this.defaultShown.set(key, shownAs(rules, await client.call('ACL', ['GETUSER', 'default'])));
        changed.push('ACL user default');
        this.d.logger.info({ resource: c.id, node: n.id, authVersion: c.auth?.version }, 'AUTH token state applied (ACL of the default user)');
      }
      const pairs: Record<string, string> = {};
      if ((await configGet(client, 'masteruser')) !== this.security.adminUser) pairs['masteruser'] = this.security.adminUser;
      if ((await configGet(client, 'masterauth')) !== this.security.adminPassword) pairs['masterauth'] = this.security.adminPassword;
      if (spec.tls && (await configGet(client, 'tls-cert-file')) !== spec.tls.certFile) {
        Object.assign(pairs, { 'tls-cert-file': spec.tls.certFile, 'tls-key-file': spec.tls.keyFile, 'tls-ca-cert-file': spec.tls.caFile });
      }
      if (Object.keys(pairs).length) {
        await configSet(client, pairs);
        // Names only: masterauth's value is a secret.
        this.d.logger.info({ resource: c.id, node: n.id, settings: Object.keys(pairs) }, 'security settings applied live');
        changed.push(...Object.keys(pairs));
      }
      const recheckOf = this.rechecking.get(key);
      this.rechecking.delete(key);
      // Drift only when nothing wanted changed since the last verification (else it is a change being applied).
      if (recheckOf === fingerprint && changed.length > 0) {
        // Names only: rules and masterauth are secrets.
        await this.d.events.emit('cache-cluster', c.id,
          `Security settings of cache node ${n.id} of ${c.id} had drifted (${changed.join(', ')}); restored to the desired ones`, 'warn');
      }
      // The rest is in place; the module is tried again next pass (not verified), without holding the node up.
      if (!moduleFailed) {
        this.verified.set(key, fingerprint);
        this.moduleWarned.delete(key);
      }
      return true;
    } catch (err) {
      this.d.logger.warn({ resource: c.id, node: n.id, err: (err as Error).message }, 'could not apply security settings; will retry');
      return false;
    }
  }

  /**
   * A node started before cachefleet had an admin user (its default user passwordless, as every
   * node then had) is given one, so the admin connection can authenticate. Only ever sends the
   * password's SHA-256.
   */
  async bootstrapAdminUser(n: CacheNodeRecord): Promise<boolean> {
    const tls = this.security.nodeTls(n.address, n.port);
    const { localAddress } = this.d.admin;
    try {
      await withNodeConnection(n.address, n.port, {
        ...(tls ? { tls: { ca: this.security.ca.certPem } } : {}), ...(localAddress ? { localAddress } : {}),
      }, (client) => client.call('ACL', ['SETUSER', this.security.adminUser, ...this.security.adminUserRules()]));
      this.d.logger.info({ node: `${n.address}:${n.port}` }, 'admin user added to a node started without it');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The drift check's turn (drift.ts): a node verified before is verified again in full this pass
   * (ACL LIST against what was applied, the default user, masteruser/masterauth, TLS files), and
   * whatever had to be put back is an event.
   */
  recheck(key: string): void {
    const verified = this.verified.get(key);
    if (verified === undefined) return;
    this.verified.delete(key);
    this.rechecking.set(key, verified);
  }

  forget(key: string): void {
    this.verified.delete(key);
    this.rechecking.delete(key);
    this.acl.forget(key);
  }

  /** The ACL fingerprint live on every node of the cluster (see acl.ts), if known. */
  appliedAcl(c: CacheClusterRecord): string | undefined {
    return this.acl.applied(c.nodes.map((n) => nodeKey(c.id, n.id)));
  }
}

/** Every address a client can reach the node by: its own, and its group's endpoints (NAT passes TLS through). */
export function certificateAddresses(n: CacheNodeRecord, group: ReplicationGroupSpec | undefined): string[] {
  return [n.address, ...(group && !group.deleteRequested ? groupAddresses(group) : [])];
}

/** ACL GETUSER's reply as a map of its fields. */
function userFields(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  return fields;
}

/** What a node showed as the `commands` of a user just given `rules` (see sameDefaultUser). */
export function shownAs(rules: string[], reply: unknown): string {
  return JSON.stringify([rules, String(userFields(reply).get('commands'))]);
}

/**
 * Does ACL GETUSER's reply show exactly the passwords (or nopass) that `rules` give, and every
 * command but the restricted ones (restricted-commands.ts) on every key and channel? The
 * commands read either as the rules were written, or as this node showed these very rules right
 * after they were set (`shown`, from shownAs): Redis 7.0 rewrites a long list in its own words.
 */
export function sameDefaultUser(reply: unknown, rules: string[], shown?: string): boolean {
  if (!Array.isArray(reply)) return false;
  const fields = userFields(reply);
  const flags = ((fields.get('flags') as unknown[]) ?? []).map(String);
  const passwords = ((fields.get('passwords') as unknown[]) ?? []).map(String).sort();
  const wantNopass = rules.includes('nopass');
  const wantPasswords = rules.filter((r) => r.startsWith('#')).map((r) => r.slice(1)).sort();
  return flags.includes('on') && flags.includes('nopass') === wantNopass && passwords.join() === wantPasswords.join() &&
    (isRestrictedAllCommands(String(fields.get('commands'))) || shownAs(rules, reply) === shown) && String(fields.get('keys')) === '~*' && String(fields.get('channels')) === '&*' &&
    ((fields.get('selectors') as unknown[] | undefined) ?? []).length === 0;
}
