/**
 * Running the `openssl` command line tool (Node's crypto can make keys but not X.509
 * certificates). Each call gets its own OpenSSL config file written next to its output, so the
 * result never depends on the host's openssl.cnf.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The openssl binary: $CACHEFLEET_OPENSSL, else the one on PATH. */
export const OPENSSL = process.env.CACHEFLEET_OPENSSL ?? 'openssl';

export class OpensslError extends Error {
  override readonly name = 'OpensslError';
}

/** Runs `openssl args…`; rejects with its stderr on a non-zero exit. */
export function openssl(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) { resolve(stdout); return; }
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') {
          reject(new OpensslError(`cannot run ${OPENSSL}: not found (apt-get install openssl); it is needed to create TLS certificates`));
          return;
        }
        reject(new OpensslError(`openssl ${args[0]} failed: ${String(stderr).trim() || e.message}`));
      });
  });
}

/** Runs `fn` with a throwaway OpenSSL config file (in `dir`) holding `text`. */
export async function withConfig<T>(dir: string, text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const path = join(dir, `.openssl-${randomBytes(6).toString('hex')}.cnf`);
  await writeFile(path, text, { mode: 0o600 });
  try {
    return await fn(path);
  } finally {
    await rm(path, { force: true });
  }
}

/** A positive 128-bit serial number in hex, as certificates should have (RFC 5280: unique, unpredictable). */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive
  b[0] = b[0]! | 0x01; // and no leading zero byte to strip
  return '0x' + b.toString('hex');
}

/** notAfter of a PEM certificate file, as a Date. */
export async function certificateNotAfter(certFile: string): Promise<Date> {
  const out = await openssl(['x509', '-in', certFile, '-noout', '-enddate']);
  const m = /notAfter=(.+)/.exec(out);
  if (!m) throw new OpensslError(`cannot read the expiry date of ${certFile}`);
  return new Date(m[1]!.trim());
}
