/**
 * The IAM auth module (native/iam-auth, built by `npm run build` and scripts/setup.sh) as nodes
 * of groups with IAM users load it: where the built module is, where the verifier's socket is, and
 * the `loadmodule` arguments.
 *
 * The verifier's socket must be reachable by the nodes' user and by nobody else who matters
 * (whoever could create it could answer yes to every login). A service running as root keeps its
 * data directory 0700, which nodes running as an unprivileged user cannot search, so the socket
 * goes in a directory of its own under /run (root's, tmpfs): `/run/cachefleet/<hash of the data
 * directory>/`, mode 0750, group the nodes' group; nobody but root can create anything there. A
 * service running as an ordinary user runs its nodes as itself: the socket stays in the data
 * directory. The module file itself is copied into each node's directory, as the TLS files are.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The module as built in this checkout (dist/src/security → the repository's root). */
export const IAM_MODULE_BUILD_PATH = fileURLToPath(new URL('../../../native/iam-auth/build/cachefleet-iam.so', import.meta.url));
/** Its name in a node's directory (redis-server, running there, loads it by this relative name). */
export const IAM_MODULE_FILE = 'cachefleet-iam.so';
/** The name the module registers (MODULE LIST). */
export const IAM_MODULE_NAME = 'cachefleet-iam';

export interface IamModuleArgs {
  /** The verifier's socket. */
  socket: string;
  /** The service's own ACL user: the only one that may push the configuration. */
  adminUser: string;
  /** The replication group: the host the tokens must name. */
  group: string;
  /** The group's IAM users, as the node's ACL knows them. */
  users: readonly string[];
  /** Connections are closed this long after their last accepted IAM login (default 12 hours). */
  maxConnectionMs?: number;
}

/** The words after the module's path on a `loadmodule` line (or MODULE LOAD). */
export function iamModuleArgs(a: IamModuleArgs): string[] {
  return [
    'socket', a.socket, 'admin-user', a.adminUser, 'group', a.group,
    ...(a.maxConnectionMs !== undefined ? ['max-connection-ms', String(a.maxConnectionMs)] : []),
    'users', ...a.users,
  ];
}

/** Where the verifier listens for a data directory (see above); `nodeGid` set when nodes run as another user. */
export function verifierSocketPath(dataDir: string, nodeGid: number | undefined, runDir = '/run/cachefleet'): string {
  if (nodeGid === undefined) return join(resolve(dataDir), 'iam-gateway', 'verifier', 'verify.sock');
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(runDir, hash, 'verify.sock');
}

/**
 * Makes the socket's directory (0750, the nodes' group when given) and its parents; the verifier
 * (the gateway process) creates the socket in it.
 */
export function ensureVerifierDir(dir: string, nodeGid: number | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  chmodSync(dir, nodeGid === undefined ? 0o700 : 0o750);
  if (nodeGid !== undefined) {
    chownSync(dir, process.getuid?.() ?? 0, nodeGid);
    // Its parent (/run/cachefleet) only needs to be searchable.
    chmodSync(resolve(dir, '..'), 0o755);
  }
}
