/**
 * The certificate SNS deliveries are signed with: an RSA key and a certificate issued by the
 * service's CA (`<dataDir>/tls/sns-signing.{key,crt}`), created on first use and kept, so a
 * receiver that pinned the CA verifies every delivery. Served at SigningCertURL.
 */
import { createHash } from 'node:crypto';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_MODE } from '../paths/index.js';
import { ensureCA } from '../security/ca.js';
import { newSerial, openssl, withConfig } from '../security/openssl.js';

export interface SigningCertificate {
  certPem: string;
  keyPem: string;
  /** `SimpleNotificationService-<hash>.pem`, as SNS names its certificates. */
  fileName: string;
}

const DAYS = 825;

export async function ensureSigningCertificate(dataDir: string): Promise<SigningCertificate> {
  const ca = await ensureCA(dataDir);
  const keyFile = join(ca.dir, 'sns-signing.key');
  const certFile = join(ca.dir, 'sns-signing.crt');
  if (!(await exists(keyFile)) || !(await exists(certFile))) {
    const csr = join(ca.dir, 'sns-signing.csr');
    try {
      await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile]);
      await chmod(keyFile, FILE_MODE);
      await withConfig(ca.dir, ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'O = cachefleet', 'CN = sns.cachefleet', ''].join('\n'),
        (cnf) => openssl(['req', '-new', '-config', cnf, '-key', keyFile, '-out', csr]));
      await openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', newSerial(),
        '-days', String(DAYS), '-sha256', '-out', certFile]);
      await chmod(certFile, FILE_MODE);
    } finally {
      await rm(csr, { force: true });
    }
  }
  const certPem = await readFile(certFile, 'utf8');
  const keyPem = await readFile(keyFile, 'utf8');
  const hash = createHash('sha256').update(certPem).digest('hex').slice(0, 32);
  return { certPem, keyPem, fileName: `SimpleNotificationService-${hash}.pem` };
}

async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}
