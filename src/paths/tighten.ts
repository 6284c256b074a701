/**
 * The startup check of the data directory: every entry is held to the layout's modes (directories
 * 0700, files 0600: nothing for group or others) and node-owned entries to the node user. What
 * had to change is returned, so the service can say so (a looser mode means something or someone
 * created it outside the service, or an older version did).
 *
 * Symbolic links are neither followed nor changed (the service creates none).
 */
import { chown, chmod, lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DIR_MODE, FILE_MODE, layoutEntryOf } from './index.js';

export interface Owner {
  uid: number;
  gid: number;
}

export interface Tightened {
  path: string;
  /** What was found: `mode 0644`, `owner 0:0`. */
  found: string;
  /** What it is now. */
  now: string;
}

const octal = (m: number) => `0${(m & 0o777).toString(8)}`;

/** Every path under `root` (itself first), depth first; symbolic links listed, never entered. */
export async function walk(root: string): Promise<string[]> {
  const out = [root];
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory()) return st ? out : [];
  for (const name of (await readdir(root)).sort()) out.push(...(await walk(join(root, name))));
  return out;
}

/**
 * Tightens the modes under `dataDir`, and when `nodeOwner` is given (the service runs as root,
 * nodes as an unprivileged user) gives node-owned entries (the layout's `node` entries, and
 * anything redis-server made inside a node directory) to that user. Returns what changed.
 */
export async function tightenDataDir(dataDir: string, nodeOwner?: Owner): Promise<Tightened[]> {
  const changed: Tightened[] = [];
  for (const path of await walk(dataDir)) {
    const st = await lstat(path).catch(() => undefined);
    if (!st || st.isSymbolicLink()) continue;
    const rel = relative(dataDir, path);
    if ((st.mode & 0o077) !== 0) {
      const want = st.isDirectory() ? DIR_MODE : FILE_MODE;
      await chmod(path, want);
      changed.push({ path, found: `mode ${octal(st.mode)}`, now: `mode ${octal(want)}` });
    }
    if (nodeOwner && nodeOwned(rel) && (st.uid !== nodeOwner.uid || st.gid !== nodeOwner.gid)) {
      await chown(path, nodeOwner.uid, nodeOwner.gid);
      changed.push({ path, found: `owner ${st.uid}:${st.gid}`, now: `owner ${nodeOwner.uid}:${nodeOwner.gid}` });
    }
  }
  return changed;
}

/** Inside a node directory (`nodes/<key>/…`), what the layout gives the node user, and whatever it does not name (Redis's own files). */
export function nodeOwned(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  if (parts[0] !== 'nodes' || parts.length < 2) return false;
  const entry = layoutEntryOf(parts.join('/'));
  return entry ? entry.owner === 'node' : true;
}

/** Any group/other permission bit under `root`, as `path mode` lines (empty: none). For tests and the startup log. */
export async function looseModes(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of await walk(root)) {
    const st = await lstat(path).catch(() => undefined);
    if (st && !st.isSymbolicLink() && (st.mode & 0o077) !== 0) out.push(`${path} ${octal(st.mode)}`);
  }
  return out;
}

/**
 * A node directory made right before its process starts: modes tightened, and, when the node
 * runs as `owner`, everything in it given to that user except the control plane's own records
 * (node.json, last-exit.json, tls/cert.json), which the node never reads.
 */
export async function secureNodeDir(dir: string, owner?: Owner): Promise<void> {
  for (const path of await walk(dir)) {
    const st = await lstat(path).catch(() => undefined);
    if (!st || st.isSymbolicLink()) continue;
    if ((st.mode & 0o077) !== 0) await chmod(path, st.isDirectory() ? DIR_MODE : FILE_MODE);
    const rel = relative(dir, path);
    if (owner && nodeOwned(join('nodes', 'node', rel)) && (st.uid !== owner.uid || st.gid !== owner.gid)) {
      await chown(path, owner.uid, owner.gid);
    }
  }
}
