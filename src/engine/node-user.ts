/**
 * Which user cache nodes run as. A service running as root starts them as an unprivileged user:
 * Debian's `redis` (made by the redis-server package, which cachefleet needs anyway, with a
 * private group of its own) unless `--node-user` names another. A service running as anyone else
 * starts them as itself (it could not switch users, and needs none: it is unprivileged already).
 */
import { execFileSync } from 'node:child_process';
import type { Owner } from '../paths/tighten.js';

export const DEFAULT_NODE_USER = 'redis';

export interface NodeUser extends Owner {
  name: string;
}

/** uid and primary gid of `name` (through `id`, so NSS users count too), or undefined when there is no such user. */
export function lookupUser(name: string): NodeUser | undefined {
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) throw new Error(`not a user name: ${JSON.stringify(name)}`);
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The owner to give node processes and their directories: undefined when they run as the
 * service's own user (not root, or root asked for explicitly with `--node-user root`).
 */
export function resolveNodeUser(requested: string | undefined, serviceUid = process.getuid?.() ?? -1): NodeUser | undefined {
  if (serviceUid !== 0) {
    if (requested !== undefined && lookupUser(requested)?.uid !== serviceUid) {
      throw new Error(`--node-user ${requested}: only a service running as root can start nodes as another user`);
    }
    return undefined;
  }
  const name = requested ?? DEFAULT_NODE_USER;
  const user = lookupUser(name);
  if (!user) {
    throw new Error(`no user ${JSON.stringify(name)} to run cache nodes as: a service running as root starts them as an ` +
      `unprivileged user (install Debian's redis-server package, which creates "${DEFAULT_NODE_USER}", or pass --node-user <name>)`);
  }
  if (user.uid === 0) return undefined; // asked for root explicitly
  return user;
}
