/**
 * Node certificates, issued by the service's CA for every address a client can reach a node by:
 * its own address and, as the endpoints are kernel NAT rules that pass TLS through untouched,
 * the primary, reader or configuration endpoint addresses of its group. Files live in
 * `<dataDir>/tls/nodes/<key>/`: `node-<id>.crt` and `node-<id>.key` (0600), where `<id>` changes
 * with every issue so a running redis-server picks the new pair up with CONFIG SET (a changed
 * path always reloads), plus `node.json` recording what was issued.
 *
 * A certificate is issued again when its address set changes (a standalone cluster joins a
 * group) or when it gets within `renewBeforeDays` of expiry.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { CertificateAuthority } from './ca.js';
import { certificateNotAfter, newSerial, openssl, withConfig } from './openssl.js';

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
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class NodeCertificates {
  private readonly days: number;
  private readonly renewBeforeMs: number;
  private readonly now: () => Date;
  private readonly inFlight = new Map<string, Promise<NodeCertFiles>>();
  /** Issued metadata by node key, so a steady pass touches no file. */
  private readonly cache = new Map<string, IssuedMeta>();

  constructor(readonly ca: CertificateAuthority, readonly dir: string = join(ca.dir, 'nodes'), opts: NodeCertificatesOptions = {}) {
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
    await rm(join(this.dir, key), { recursive: true, force: true });
  }

  /** Keys of every node with certificate files (for removing those no node owns any more). */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true })).filter((e) => e.isDirectory() && KEY.test(e.name)).map((e) => e.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  private files(key: string, id: string): NodeCertFiles {
    const d = join(this.dir, key);
    return { certFile: join(d, `node-${id}.crt`), keyFile: join(d, `node-${id}.key`), caFile: this.ca.certFile };
  }

  private async ensureNow(key: string, ips: string[]): Promise<NodeCertFiles> {
    let meta = this.cache.get(key) ?? (await this.readMeta(key));
    const fresh = meta && meta.ips.join(',') === ips.join(',') &&
      Date.parse(meta.notAfter) - this.now().getTime() > this.renewBeforeMs;
    if (!meta || !fresh) meta = await this.issue(key, ips);
    this.cache.set(key, meta);
    return this.files(key, meta.id);
  }

  private async readMeta(key: string): Promise<IssuedMeta | undefined> {
    try {
      const meta = JSON.parse(await readFile(join(this.dir, key, 'node.json'), 'utf8')) as IssuedMeta;
      const f = this.files(key, meta.id);
      // Both files must still be there (a half-deleted directory is issued again).
      await Promise.all([readFile(f.certFile), readFile(f.keyFile)]);
      return meta;
    } catch {
      return undefined;
    }
  }

  private async issue(key: string, ips: string[]): Promise<IssuedMeta> {
    if (ips.length === 0) throw new Error(`node ${key}: a certificate needs at least one address`);
    const d = join(this.dir, key);
    await mkdir(d, { recursive: true, mode: 0o700 });
    const id = randomBytes(6).toString('hex');
    const f = this.files(key, id);
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
        await chmod(f.keyFile, 0o600);
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
    const meta: IssuedMeta = { id, ips, notAfter: (await certificateNotAfter(f.certFile)).toISOString() };
    await writeFile(join(d, 'node.json.tmp'), JSON.stringify(meta, null, 2) + '\n');
    await rename(join(d, 'node.json.tmp'), join(d, 'node.json'));
    // Earlier pairs: a running node may still have one loaded, but it reads files only when
    // (re)configured, and it is reconfigured to the new pair right after this.
    for (const name of await readdir(d)) {
      if (/^node-[0-9a-f]+\.(crt|key)$/.test(name) && !name.includes(id)) await rm(join(d, name), { force: true });
    }
    return meta;
  }
}

/** Sorted, de-duplicated IPv4/IPv6 literals; anything else is a bug upstream. */
export function normalizeIps(ips: string[]): string[] {
  for (const ip of ips) if (!isIP(ip)) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  return [...new Set(ips)].sort();
}
