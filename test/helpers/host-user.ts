/**
 * What another user of the host can do with the service's files: tests of least privilege run
 * a command as `nobody` (setpriv, util-linux) and check it is refused.
 */
import { lstat } from 'node:fs/promises';
import { lookupUser, type NodeUser } from '../../src/engine/node-user.js';
import { run } from './e2e-exec.js';

/** Why least-privilege tests cannot run here, or false: they need root (to switch users) and the node user. */
export function leastPrivilegeMissing(nodeUser = 'redis'): string | false {
  if (process.getuid?.() !== 0) return 'root (to start nodes as another user and to act as nobody)';
  if (!lookupUser(nodeUser)) return `the "${nodeUser}" user (apt-get install redis-server)`;
  if (!lookupUser('nobody')) return 'the "nobody" user';
  return false;
}

export function nodeUser(name = 'redis'): NodeUser {
  const u = lookupUser(name);
  if (!u) throw new Error(`no user ${name}`);
  return u;
}

/** Runs `cmd args` as nobody (no supplementary groups); resolves with its exit code and stderr. */
export async function asNobody(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const nobody = nodeUser('nobody');
  const r = await run('setpriv', [`--reuid=${nobody.uid}`, `--regid=${nobody.gid}`, '--clear-groups', cmd, ...args], { timeoutMs: 10_000 });
  return { code: r.code, stderr: r.stderr };
}

/** The real uid of a running process (/proc/<pid>/status). */
export async function processUid(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no Uid line for pid ${pid}`);
  return Number(m[1]);
}

/** `path uid:gid` of a file or directory. */
export async function ownerOf(path: string): Promise<string> {
  const st = await lstat(path);
  return `${st.uid}:${st.gid}`;
}
