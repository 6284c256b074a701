/**
 * The service's own ACL user on cache nodes (src/security/node-security.ts), for tests that must
 * read or change what customers may not (CONFIG, ACL LIST): the restricted commands are denied to
 * every customer identity, so such checks authenticate as `cachefleet-admin` with the password
 * the service keeps in `<data-dir>/admin-secret`.
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { ADMIN_USER, adminSecretPath } from '../../src/security/node-security.js';
import type { Cleanup } from './cleanup.js';

export { ADMIN_USER };

export async function adminSecret(dataDir: string): Promise<string> {
  return (await readFile(adminSecretPath(dataDir), 'utf8')).trim();
}

/** redis-cli options that authenticate as the service's user (put them before the command). */
export async function adminCliArgs(dataDir: string): Promise<string[]> {
  return ['--user', ADMIN_USER, '--pass', await adminSecret(dataDir), '--no-auth-warning'];
}

/** An ioredis connection as the service's user (TLS when `ca` is given); disconnected by the cleanup. */
export async function adminRedis(cleanup: Cleanup, dataDir: string, host: string, port: number, ca?: Buffer): Promise<Redis> {
  const c = new Redis({
    host, port, username: ADMIN_USER, password: await adminSecret(dataDir), lazyConnect: true, connectTimeout: 3000,
    commandTimeout: 5000, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, ...(ca ? { tls: { ca } } : {}),
  });
  c.on('error', () => undefined); // failures show up as failed commands
  cleanup.defer(() => c.disconnect());
  await c.connect();
  return c;
}
