/**
 * How the control plane reaches and protects cache nodes:
 * - an internal ACL user, `cachefleet-admin`, on every node, whose password is made once per
 *   installation and kept in `<dataDir>/admin-secret` (mode 0600). The control plane never
 *   uses the `default` user, which belongs to the customer (AUTH token or passwordless);
 * - for nodes with TLS in transit, the service CA (to verify them) and their certificates.
 *
 * The admin pool asks `connection(address, port)` for every node connection; the reconciler
 * tells which nodes run TLS (`setNodeTls`) before it first talks to them.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdminConnectionOptions } from '../engine/connect.js';
import { sha256Hex } from './auth-token.js';
import { ensureCA, type CertificateAuthority } from './ca.js';
import { NodeCertificates } from './certs.js';
import type { NodeAcl } from './node-acl.js';
import { DIR_MODE, FILE_MODE, dataPaths } from '../paths/index.js';
import { IAM_MODULE_FILE } from './iam-module.js';

export const ADMIN_USER = 'cachefleet-admin';

export function adminSecretPath(dataDir: string): string {
  return dataPaths(dataDir).adminSecret;
}

/** The admin password of this data directory, created (random, 0600) on first use. */
export async function ensureAdminSecret(dataDir: string): Promise<string> {
  const path = adminSecretPath(dataDir);
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{32,}$/.test(text)) {
      await chmod(path, FILE_MODE);
      return text;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
  const secret = randomBytes(32).toString('hex');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, secret + '\n', { mode: FILE_MODE });
  await rename(tmp, path);
  return secret;
}

/** What a node's config needs from the security setup (see desired.ts nodeSpec). */
export interface NodeSecuritySpec {
  adminUser: string;
  adminPassword: string;
  /** Present for nodes with TLS in transit (mode required unless said otherwise). */
  tls?: { certFile: string; keyFile: string; caFile: string; mode?: 'preferred' | 'required' };
  /** RBAC: the ACL users besides admin (node-acl.ts, computed by reconciler/acl.ts); under RBAC, `default` is one of them. */
  acl?: NodeAcl;
  /**
   * The IAM auth module, for nodes of groups with IAM users: its path (relative to the node's
   * directory) and `loadmodule` arguments (iam-module.ts).
   */
  iamModule?: { path: string; args: string[] };
}

/** Where nodes find the IAM auth module and its verifier (iam-module.ts). */
export interface IamModuleSetup {
  /** The built module, copied into each node's directory before the node starts. */
  buildPath: string;
  /** The verifier's socket (absolute). */
  socket: string;
  /** IAM-authenticated connections are closed this long after their last accepted login. */
  maxConnectionMs: number;
}

export class NodeSecurity {
  readonly adminUser = ADMIN_USER;
  private readonly tlsNodes = new Set<string>();

  /** Set by the service: how nodes of groups with IAM users check IAM logins. */
  iamModule?: IamModuleSetup;

  constructor(readonly adminPassword: string, readonly ca: CertificateAuthority, readonly certs: NodeCertificates,
    private readonly owner?: { uid: number; gid: number }) {}

  /** `owner`: the user nodes run as, when not the service's own (their TLS files are given to it). */
  static async load(dataDir: string, opts: { owner?: { uid: number; gid: number } } = {}): Promise<NodeSecurity> {
    const password = await ensureAdminSecret(dataDir);
    const ca = await ensureCA(dataDir);
    return new NodeSecurity(password, ca, new NodeCertificates(ca, dataPaths(dataDir).nodes, opts.owner ? { owner: opts.owner } : {}), opts.owner);
  }

  /**
   * The IAM auth module of node `key`: the built module copied into the node's directory (given
   * to the node user, as its TLS files are) when it differs, and the path redis-server loads it
   * by, relative to that directory (`./`: a bare name would be looked up in the library path).
   */
  async placeIamModule(key: string): Promise<string> {
    if (!this.iamModule) throw new Error('no IAM auth module is set up');
    const dir = join(this.certs.nodesDir, key);
    const target = join(dir, IAM_MODULE_FILE);
    const built = await readFile(this.iamModule.buildPath);
    let current: Buffer | undefined;
    try { current = await readFile(target); } catch { /* none yet */ }
    if (!current?.equals(built)) {
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      // Executable: redis-server refuses to load a module without the execute bit.
      await writeFile(`${target}.tmp`, built, { mode: 0o700 });
      await chmod(`${target}.tmp`, 0o700);
      if (this.owner) await chown(`${target}.tmp`, this.owner.uid, this.owner.gid);
      await rename(`${target}.tmp`, target);
    }
    return `./${IAM_MODULE_FILE}`;
  }

  /** `#<sha256>` of the admin password, as it appears in ACL rules (redis.conf never holds the password of a user). */
  get adminPasswordHash(): string {
    return sha256Hex(this.adminPassword);
  }

  /** The ACL rules of the admin user (without its name). */
  adminUserRules(): string[] {
    return ['on', 'resetpass', `#${this.adminPasswordHash}`, '~*', '&*', '+@all'];
  }

  /** Records whether the node at address:port serves TLS (its admin connection follows). */
  setNodeTls(address: string, port: number, tls: boolean): void {
    const key = `${address}:${port}`;
    if (tls) this.tlsNodes.add(key);
    else this.tlsNodes.delete(key);
  }

  nodeTls(address: string, port: number): boolean {
    return this.tlsNodes.has(`${address}:${port}`);
  }

  /** The admin pool's resolver: authenticate as the admin user, over TLS where the node runs it. */
  connection(address: string, port: number): AdminConnectionOptions {
    return {
      auth: { username: this.adminUser, password: this.adminPassword },
      ...(this.nodeTls(address, port) ? { tls: { ca: this.ca.certPem } } : {}),
    };
  }
}
