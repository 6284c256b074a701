/**
 * Where the IAM auth module (native/iam-auth, built by `npm run build` and scripts/setup.sh) is,
 * and the `loadmodule` arguments nodes of a group with IAM users get.
 */
import { fileURLToPath } from 'node:url';

/** The module as built in this checkout (dist/src/gateway → the repository's root). */
export const IAM_MODULE_BUILD_PATH = fileURLToPath(new URL('../../../native/iam-auth/build/cachefleet-iam.so', import.meta.url));

export interface IamModuleArgs {
  /** The verifier's socket (gatewayPaths(...).verifierSocket). */
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
