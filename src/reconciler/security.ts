import { boundConnector } from '../engine/bound-connector.js';
import { Redis } from 'ioredis';
import type { NodeSpec } from '../engine/types.js';
import { configGet, configSet, whenReady } from '../engine/admin.js';
import { defaultUserRules } from '../security/auth-token.js';
import type { NodeSecurity, NodeSecuritySpec } from '../security/node-security.js';
import type { CacheClusterRecord, CacheNodeRecord, ReplicationGroupRecord } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { groupAddresses } from './group-delete.js';
import { AclStep, loadNodeAcl } from './acl.js';
import { nodeKey } from '../resources/naming.js';

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

  constructor(private readonly d: ReconcilerDeps, private readonly security: NodeSecurity) {
    this.acl = new AclStep(d.logger);
  }

  /** The security part of a node's spec; issues its certificate when needed. */
  async nodeSecurity(c: CacheClusterRecord, n: CacheNodeRecord, key: string): Promise<NodeSecuritySpec> {
    this.security.setNodeTls(n.address, n.port, c.transitEncryptionEnabled);
    const base = { adminUser: this.security.adminUser, adminPassword: this.security.adminPassword, acl: await loadNodeAcl(this.d.store, c) };
    if (!c.transitEncryptionEnabled) return base;
    const group = c.replicationGroupId ? (await this.d.store.get('replicationGroup', c.replicationGroupId))?.doc : undefined;
    return { ...base, tls: await this.security.certs.ensure(key, certificateAddresses(n, group)) };
  }

  /**
   * Brings a running node's live security settings to `spec`. True once they match (now or
   * already); false when the node could not be checked (it is asked again next pass).
   */
  async applyLive(c: CacheClusterRecord, n: CacheNodeRecord, key: string, spec: NodeSpec): Promise<boolean> {
    const acl = await loadNodeAcl(this.d.store, c);
    // With user groups (RBAC), `default` is the user group's default user, applied with the others below.
    const rules = acl.rbac ? acl.users[0]!.rules : defaultUserRules(c.auth);
    const fingerprint = JSON.stringify([n.observed?.runId, rules, spec.tls, this.security.adminPasswordHash, acl.fingerprint]);
    if (this.verified.get(key) === fingerprint) return true;
    try {
      const client = this.d.admin.client(n.address, n.port);
      await whenReady(client);
      await this.acl.apply(client, c, n.id, key, acl);
      if (!acl.rbac && !sameDefaultUser(await client.call('ACL', ['GETUSER', 'default']), rules)) {
        await client.call('ACL', ['SETUSER', 'default', ...rules]);
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
      }
      this.verified.set(key, fingerprint);
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
  async bootstrapAdminUser(n: CacheNodeRecord, tls: boolean): Promise<boolean> {
    const client = new Redis({
      host: n.address, port: n.port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0,
      connectTimeout: 1000, commandTimeout: 1000, retryStrategy: () => null, protocol: 2, disableClientInfo: true,
      ...(tls ? { tls: { ca: this.security.ca.certPem } } : {}),
      ...(this.d.admin.localAddress ? { Connector: boundConnector(this.d.admin.localAddress) } : {}),
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.call('ACL', ['SETUSER', this.security.adminUser, ...this.security.adminUserRules()]);
      this.d.logger.info({ node: `${n.address}:${n.port}` }, 'admin user added to a node started without it');
      return true;
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  forget(key: string): void {
    this.verified.delete(key);
    this.acl.forget(key);
  }

  /** The ACL fingerprint live on every node of the cluster (see acl.ts), if known. */
  appliedAcl(c: CacheClusterRecord): string | undefined {
    return this.acl.applied(c.nodes.map((n) => nodeKey(c.id, n.id)));
  }
}

/** Every address a client can reach the node by: its own, and its group's endpoints (NAT passes TLS through). */
export function certificateAddresses(n: CacheNodeRecord, group: ReplicationGroupRecord | undefined): string[] {
  return [n.address, ...(group && !group.deleteRequested ? groupAddresses(group) : [])];
}

/** Does ACL GETUSER's reply show exactly the passwords (or nopass) that `rules` give? */
export function sameDefaultUser(reply: unknown, rules: string[]): boolean {
  if (!Array.isArray(reply)) return false;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const flags = ((fields.get('flags') as unknown[]) ?? []).map(String);
  const passwords = ((fields.get('passwords') as unknown[]) ?? []).map(String).sort();
  const wantNopass = rules.includes('nopass');
  const wantPasswords = rules.filter((r) => r.startsWith('#')).map((r) => r.slice(1)).sort();
  return flags.includes('on') && flags.includes('nopass') === wantNopass && passwords.join() === wantPasswords.join() &&
    String(fields.get('commands')) === '+@all' && String(fields.get('keys')) === '~*' && String(fields.get('channels')) === '&*';
}
