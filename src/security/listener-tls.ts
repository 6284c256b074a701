/**
 * TLS for the control plane's own listeners: the API today, and any later one (metrics, a
 * console) takes the same {@link ListenerTls} the service builds once at start, so every
 * listener follows one `--tls` setting with one certificate.
 *
 * The certificate is the user's (`--tls-cert`/`--tls-key`), or one the service's CA issues for
 * the listen host (`<dataDir>/tls/api.crt`, `api.key`, 0600) with SANs 127.0.0.1, ::1,
 * localhost and the bind host. Clients trust it through `cachefleet ca` (the aws CLI's
 * `--ca-bundle`, boto3's `verify=`, the JS SDK's https agent `ca`).
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { FILE_MODE, dataPaths } from '../paths/index.js';
import type { CertificateAuthority } from './ca.js';
import { certificateNotAfter, newSerial, openssl, withConfig } from './openssl.js';

export interface ListenerTlsOptions {
  /** The user's own certificate chain and key (PEM files); both or neither. */
  certFile?: string;
  keyFile?: string;
}

/** What a listener serves TLS with (Node's `https`/`tls` options). */
export interface ListenerTls {
  cert: string;
  key: string;
  /** Where the certificate came from, for the log. */
  source: 'service CA' | 'user';
  certFile: string;
}

/** Validity of the API certificate; issued again within 30 days of expiry or when the host changes. */
const DAYS = 365;
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** The names a certificate for a listener on `host` is issued for (IP literals as IP SANs, the rest as DNS). */
export function listenerNames(host: string): { ips: string[]; dns: string[] } {
  const all = new Set(['127.0.0.1', '::1', 'localhost', host]);
  // A wildcard bind is reached by the machine's addresses: the loopback ones at least are listed.
  all.delete('0.0.0.0');
  all.delete('::');
  const list = [...all].sort();
  return { ips: list.filter((n) => isIP(n) !== 0), dns: list.filter((n) => isIP(n) === 0) };
}

/** The TLS of the service's listeners on `host`: the user's files, or a certificate from `ca`. */
export async function loadListenerTls(dataDir: string, ca: CertificateAuthority, host: string, opts: ListenerTlsOptions = {}): Promise<ListenerTls> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error('--tls-cert and --tls-key go together: give both');
    const [cert, key] = await Promise.all([readFile(opts.certFile, 'utf8'), readFile(opts.keyFile, 'utf8')]);
    return { cert, key, source: 'user', certFile: opts.certFile };
  }
  const { apiCert, apiKey } = dataPaths(dataDir);
  const names = listenerNames(host);
  const read = async () => {
    const [cert, key] = await Promise.all([readFile(apiCert, 'utf8'), readFile(apiKey, 'utf8')]);
    createSecureContext({ cert, key }); // throws when the key is not the certificate's (a crash between two renames)
    return { cert, key, source: 'service CA' as const, certFile: apiCert };
  };
  if (await current(apiCert, names)) {
    try {
      return await read();
    } catch { /* issued again below */ }
  }
  await issue(ca, apiCert, apiKey, names);
  return read();
}

/** True when `certFile` exists, names exactly `names` and is not about to expire. */
async function current(certFile: string, names: { ips: string[]; dns: string[] }): Promise<boolean> {
  try {
    const san = await openssl(['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']);
    const have = [...san.matchAll(/(IP Address|DNS):([^,\s]+)/g)].map((m) => m[2]!.toLowerCase()).sort();
    const want = [...names.ips.map(canonicalIp), ...names.dns].map((n) => n.toLowerCase()).sort();
    if (have.join(',') !== want.join(',')) return false;
    return (await certificateNotAfter(certFile)).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/** openssl prints IPv6 SANs in full (0:0:0:0:0:0:0:1). */
function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.replace(/^0+(?=.)/, '').toUpperCase()).join(':');
}

async function issue(ca: CertificateAuthority, certFile: string, keyFile: string, names: { ips: string[]; dns: string[] }): Promise<void> {
  const tmp = randomBytes(4).toString('hex');
  const keyTmp = `${keyFile}.${tmp}.tmp`;
  const certTmp = `${certFile}.${tmp}.tmp`;
  const csr = join(ca.dir, `.api-${tmp}.csr`);
  const san = [...names.ips.map((ip) => `IP:${ip}`), ...names.dns.map((d) => `DNS:${d}`)].join(', ');
  const config = [
    '[req]', 'distinguished_name = dn', 'prompt = no',
    '[dn]', 'O = cachefleet', 'CN = cachefleet API',
    '[v3_api]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    `subjectAltName = ${san}`,
    '',
  ].join('\n');
  try {
    await withConfig(ca.dir, config, async (cnf) => {
      await openssl(['req', '-new', '-config', cnf, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyTmp, '-out', csr]);
      await chmod(keyTmp, FILE_MODE);
      await openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', newSerial(),
        '-days', String(DAYS), '-sha256', '-extfile', cnf, '-extensions', 'v3_api', '-out', certTmp]);
    });
    // The chain: the certificate, then the CA's (clients holding only the CA verify it either way).
    await writeFile(certTmp, (await readFile(certTmp, 'utf8')).trimEnd() + '\n' + ca.certPem);
    await chmod(certTmp, FILE_MODE); // openssl made it with the umask's mode
    await rename(keyTmp, keyFile);
    await rename(certTmp, certFile);
  } finally {
    await Promise.all([keyTmp, certTmp, csr].map((f) => rm(f, { force: true })));
  }
}
