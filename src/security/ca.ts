/**
 * The service's certificate authority, one per data directory: `<dataDir>/tls/ca.crt` (the
 * certificate clients verify nodes with; `cachefleet ca` prints it) and `<dataDir>/tls/ca.key`
 * (mode 0600, never leaves the directory). Created on first use and kept: every node certificate
 * the service issues chains to it, so clients configured once keep working.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DIR_MODE, FILE_MODE, dataPaths } from '../paths/index.js';
import { openssl, withConfig } from './openssl.js';

export interface CertificateAuthority {
  /** `<dataDir>/tls`. */
  dir: string;
  certFile: string;
  keyFile: string;
  /** The CA certificate (PEM). */
  certPem: string;
}

export function caPaths(dataDir: string): { dir: string; certFile: string; keyFile: string } {
  const p = dataPaths(dataDir);
  return { dir: p.tls, certFile: p.caCert, keyFile: p.caKey };
}

/** CA validity: node certificates are re-issued long before; the CA itself is meant to outlive the installation. */
const CA_DAYS = 3650;

/** The CA of this data directory, created if it does not exist yet. */
export async function ensureCA(dataDir: string, opts: { commonName?: string } = {}): Promise<CertificateAuthority> {
  const { dir, certFile, keyFile } = caPaths(dataDir);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (!(await exists(certFile)) || !(await exists(keyFile))) {
    await createCA(dir, certFile, keyFile, opts.commonName ?? `cachefleet CA ${randomBytes(4).toString('hex')}`);
  }
  return { dir, certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}

/** The CA certificate (PEM) of a data directory, or undefined when none was created yet. */
export async function readCACertificate(dataDir: string): Promise<string | undefined> {
  try {
    return await readFile(caPaths(dataDir).certFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function createCA(dir: string, certFile: string, keyFile: string, cn: string): Promise<void> {
  // Written under temporary names and renamed: a crash half-way leaves no CA without its key.
  const tmp = randomBytes(4).toString('hex');
  const keyTmp = join(dir, `.ca-${tmp}.key`);
  const certTmp = join(dir, `.ca-${tmp}.crt`);
  const config = [
    '[req]',
    'distinguished_name = dn',
    'x509_extensions = v3_ca',
    'prompt = no',
    '[dn]',
    'O = cachefleet',
    `CN = ${cn}`,
    '[v3_ca]',
    'basicConstraints = critical, CA:TRUE, pathlen:0',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '',
  ].join('\n');
  try {
    await withConfig(dir, config, (cnf) => openssl([
      'req', '-x509', '-new', '-config', cnf, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyTmp, '-out', certTmp, '-days', String(CA_DAYS), '-sha256',
    ]));
    await chmod(keyTmp, FILE_MODE);
    await chmod(certTmp, FILE_MODE);
    await rename(keyTmp, keyFile);
    await rename(certTmp, certFile);
  } finally {
    await rm(keyTmp, { force: true });
    await rm(certTmp, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
