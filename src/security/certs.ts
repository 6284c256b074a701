/**
 * Node certificates, issued by the service's CA for every address a client can reach a node by:
 * its own address and, as the endpoints are kernel NAT rules that pass TLS through untouched,
 * the primary, reader or configuration endpoint addresses of its group. Files live in the node's
 * own directory, `<nodesDir>/<key>/tls/` (src/paths): `node-<id>.crt` and `node-<id>.key` (0600,
 * owned by the node user), where `<id>` changes with every issue so a running redis-server picks
 * the new pair up with CONFIG SET (a changed path always reloads), a copy of the CA certificate
 * (`ca.crt`) for verifying peers, and `cert.json` recording what was issued.
 *
 * Inside the node directory, and named relative to it (`tls/node-<id>.crt`), because the node
 * runs as an unprivileged user whose working directory is its node directory: it need not be
 * able to search the data directory's parents (which may well be root's 0700 home) to open them.
 *
 * A certificate is issued again when its address set changes (a standalone cluster joins a
 * group) or when it gets within `renewBeforeDays` of expiry.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { DIR_MODE, FILE_MODE, NODE_FILES, NODE_KEY, nodeCertNames, nodePaths } from '../paths/index.js';
import type { CertificateAuthority } from './ca.js';
import { certificateNotAfter, newSerial, openssl, withConfig } from './openssl.js';

/** A node's TLS files, relative to its directory (as its redis.conf and CONFIG SET name them). */
export interface NodeCertFiles {
  certFile: string;
  keyFile: string;
  /** The CA certificate the node verifies its peers with (replication, cluster bus). */
  caFile: string;
}

interface IssuedMeta {
  id: string;
  ips: string[];
  notAfter: string;
}

export interface NodeCertificatesOptions {
  /** Validity of a node certificate. Default 365 days. */
  days?: number;
  /** Re-issue this long before expiry. Default 30 days. */
  renewBeforeDays?: number;
  now?: () => Date;
  /** The user and group the node runs as (when not the service's own): its TLS files are theirs. */
  owner?: { uid: number; gid: number };
}

const KEY = NODE_KEY;

export class NodeCertificates {
  private readonly days: number;
  private readonly renewBeforeMs: number;
  private readonly now: () => Date;
  private readonly inFlight = new Map<string, Promise<NodeCertFiles>>();
  /** Issued metadata by node key, so a steady pass touches no file. */
  private readonly cache = new Map<string, IssuedMeta>();

  private readonly owner: { uid: number; gid: number } | undefined;

  /** `nodesDir`: the node provider's directory, whose `<key>/tls/` holds each node's files. */
  constructor(readonly ca: CertificateAuthority, readonly nodesDir: string, opts: NodeCertificatesOptions = {}) {
    this.owner = opts.owner;
    this.days = opts.days ?? 365;
    this.renewBeforeMs = (opts.renewBeforeDays ?? 30) * 86_400_000;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * The certificate files of node `key`, valid for exactly `ips` (order does not matter);
   * issued now if there is none, or if the one there is for other addresses or about to expire.
   */
  ensure(key: string, ips: string[]): Promise<NodeCertFiles> {
    if (!KEY.test(key)) throw new Error(`invalid node key ${JSON.stringify(key)}`);
    const wanted = normalizeIps(ips);
    const running = this.inFlight.get(key);
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => this.ensureNow(key, wanted));
    this.inFlight.set(key, next);
    void next.finally(() => { if (this.inFlight.get(key) === next) this.inFlight.delete(key); }).catch(() => undefined);
    return next;
  }

  /** Removes a node's certificate files (the node is deleted). */
  async remove(key: string): Promise<void> {
    if (!KEY.test(key)) return;
    this.cache.delete(key);
    await rm(nodePaths(this.nodesDir, key).tlsDir, { recursive: true, force: true });
  }

  /** Keys of every node with certificate files (for removing those no node owns any more). */
  async list(): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = (await readdir(this.nodesDir, { withFileTypes: true })).filter((e) => e.isDirectory() && KEY.test(e.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      entries = [];
    }
    const withTls = await Promise.all(entries.map(async (e) => (await exists(nodePaths(this.nodesDir, e.name).tlsDir)) ? e.name : undefined));
    // And those remembered: a node directory removed with its files leaves no stale cache entry behind.
    return [...new Set([...withTls.filter((k): k is string => k !== undefined), ...this.cache.keys()])];
  }

  /** The absolute path of one of node `key`'s files (`files.certFile` etc. are relative to its directory). */
  absolute(key: string, name: string): string {
    return join(nodePaths(this.nodesDir, key).dir, name);
  }

  private files(id: string): NodeCertFiles {
    return { ...nodeCertNames(id), caFile: NODE_FILES.tlsCa };
  }

  private async ensureNow(key: string, ips: string[]): Promise<NodeCertFiles> {
    let meta = this.cache.get(key) ?? (await this.readMeta(key));
    const fresh = meta && meta.ips.join(',') === ips.join(',') &&
      Date.parse(meta.notAfter) - this.now().getTime() > this.renewBeforeMs;
    if (!meta || !fresh) meta = await this.issue(key, ips);
    this.cache.set(key, meta);
    return this.files(meta.id);
  }

  private async readMeta(key: string): Promise<IssuedMeta | undefined> {
    try {
      const meta = JSON.parse(await readFile(nodePaths(this.nodesDir, key).tlsMeta, 'utf8')) as IssuedMeta;
      const f = this.files(meta.id);
      // Every file must still be there (a half-deleted directory is issued again).
      await Promise.all([f.certFile, f.keyFile, f.caFile].map((n) => readFile(this.absolute(key, n))));
      return meta;
    } catch {
      return undefined;
    }
  }

  private async issue(key: string, ips: string[]): Promise<IssuedMeta> {
    if (ips.length === 0) throw new Error(`node ${key}: a certificate needs at least one address`);
    const np = nodePaths(this.nodesDir, key);
    const d = np.tlsDir;
    await mkdir(d, { recursive: true, mode: DIR_MODE });
    await this.own(np.dir);
    await this.own(d);
    const id = randomBytes(6).toString('hex');
    const names = this.files(id);
    const f = { certFile: this.absolute(key, names.certFile), keyFile: this.absolute(key, names.keyFile) };
    const csr = join(d, `.node-${id}.csr`);
    const config = [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'O = cachefleet',
      `CN = ${key}`,
      '[v3_node]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      // clientAuth too: a node is the client of its primary (replication) and of its peers
      // (the cluster bus, where Redis always asks for a client certificate).
      'extendedKeyUsage = serverAuth, clientAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      `subjectAltName = ${ips.map((ip) => `IP:${ip}`).join(', ')}`,
      '',
    ].join('\n');
    try {
      await withConfig(d, config, async (cnf) => {
        await openssl(['req', '-new', '-config', cnf, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', f.keyFile, '-out', csr]);
        await chmod(f.keyFile, FILE_MODE);
        await openssl(['x509', '-req', '-in', csr, '-CA', this.ca.certFile, '-CAkey', this.ca.keyFile, '-set_serial', newSerial(),
          '-days', String(this.days), '-sha256', '-extfile', cnf, '-extensions', 'v3_node', '-out', f.certFile]);
      });
    } catch (e) {
      await rm(f.keyFile, { force: true });
      await rm(f.certFile, { force: true });
      throw e;
    } finally {
      await rm(csr, { force: true });
    }
    await chmod(f.certFile, FILE_MODE);
    await writeFile(join(d, '.ca.crt.tmp'), this.ca.certPem, { mode: FILE_MODE });
    await rename(join(d, '.ca.crt.tmp'), np.tlsCa);
    for (const file of [f.keyFile, f.certFile, np.tlsCa]) await this.own(file);
    const meta: IssuedMeta = { id, ips, notAfter: (await certificateNotAfter(f.certFile)).toISOString() };
    await writeFile(`${np.tlsMeta}.tmp`, JSON.stringify(meta, null, 2) + '\n', { mode: FILE_MODE });
    await rename(`${np.tlsMeta}.tmp`, np.tlsMeta);
    // Earlier pairs: a running node may still have one loaded, but it reads files only when
    // (re)configured, and it is reconfigured to the new pair right after this.
    for (const name of await readdir(d)) {
      if (/^node-[0-9a-f]+\.(crt|key)$/.test(name) && !name.includes(id)) await rm(join(d, name), { force: true });
    }
    return meta;
  }

  /** Gives a file the node user (the node must read its key; nobody else may). */
  private async own(path: string): Promise<void> {
    if (this.owner) await chown(path, this.owner.uid, this.owner.gid);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Sorted, de-duplicated IPv4/IPv6 literals; anything else is a bug upstream. */
export function normalizeIps(ips: string[]): string[] {
  for (const ip of ips) if (!isIP(ip)) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  return [...new Set(ips)].sort();
}
