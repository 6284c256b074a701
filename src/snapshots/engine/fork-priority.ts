/**
 * A backup is background work: on a host whose cores the cache nodes share, the fork child a
 * node starts to serve a transfer (`redis-rdb-to-slaves`) competes for CPU with the primary the
 * backup was taken away from. So the capture's own processes run as the lowest class there is,
 * SCHED_IDLE (with nice 19 for kernels or hosts where that cannot be set):
 *   - the replica's fork child (it inherits the class from its node, or gets it when it appears);
 *   - the replica's own threads for the length of the capture (they forward the child's pipe to
 *     the socket), when the service may put them back afterwards (root: an unprivileged owner can
 *     enter SCHED_IDLE but not leave it, and a replica may be promoted later);
 *   - the checker (cat and redis-check-rdb).
 *
 * Why SCHED_IDLE and not only nice 19, as before: nice orders tasks only within a scheduling
 * group, and where the kernel groups tasks by session (autogroup, on by default on many kernels)
 * a node started in its own session (engine/local-provider.ts) weighs as much as the primary
 * however niced its child is; and an EEVDF kernel lets a running task finish its slice before a
 * waking one of equal class runs. A SCHED_IDLE task is preempted as soon as a normal one (the
 * primary) wakes on its CPU, whatever the groups; it still gets its group's share of an
 * otherwise busy CPU, so the transfer progresses (never starved out past the node's
 * `repl-timeout` where groups are in use; without them it gets a small share, as nice 19 did).
 * Measured before and after in one run: docs/BENCHMARKS.md. (Giving the node's whole session
 * nice 19 through /proc/<pid>/autogroup was measured too: the primary's p99 was no better and a
 * capture on a busy host took 5 times as long.)
 *
 * Linux only (/proc, util-linux's chrt), best effort: a node that is not a local process, a
 * child gone already or a class that cannot be set change nothing but the speed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { delimiter, join } from 'node:path';

/** util-linux's chrt, which sets a scheduling policy (Node has no call for it); undefined where it is missing. */
const CHRT = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).map((d) => join(d, 'chrt')).find((f) => existsSync(f));

/** Whether SCHED_IDLE can be asked for here (chrt found). */
export const CAN_IDLE = process.platform === 'linux' && CHRT !== undefined;

/** Niceness given to a capture's helper processes (the fork child, the checker), with SCHED_IDLE where it can be set. */
export const BACKGROUND_NICE = 19;

/** The command that starts `argv` as background work (`nice -n 19 …`; with `idle`, in SCHED_IDLE too: `chrt --idle 0 nice …`). */
export function backgroundCommand(argv: string[], idle = false): { file: string; args: string[] } {
  const niced = ['nice', '-n', String(BACKGROUND_NICE), ...argv];
  return idle && CHRT ? { file: CHRT, args: ['--idle', '0', ...niced] } : { file: niced[0]!, args: niced.slice(1) };
}

/**
 * Renices the transfer child(ren) of the redis-server `nodePid`, after checking that `nodePid`
 * is the redis-server listening on `listen` (its process title shows `address:port`). Returns
 * the pids reniced.
 */
export async function lowerForkPriority(nodePid: number, listen: string, idle = false, nice = BACKGROUND_NICE): Promise<number[]> {
  if (process.platform !== 'linux' || !Number.isInteger(nodePid) || nodePid <= 1) return [];
  const title = await cmdline(nodePid);
  if (!title?.includes('redis') || !title.includes(listen)) return [];
  const children = await readFile(`/proc/${nodePid}/task/${nodePid}/children`, 'utf8').catch(() => '');
  const done: number[] = [];
  for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
    if (!(await cmdline(pid))?.includes('rdb-to-slaves')) continue;
    try {
      setPriority(pid, nice);
      if (idle) await setIdlePolicy(pid);
      done.push(pid);
    } catch {
      // gone, or not ours to change
    }
  }
  return done;
}

async function cmdline(pid: number): Promise<string | undefined> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.replace(/\0/g, ' ')).catch(() => undefined);
}

function chrt(args: string[]): Promise<boolean> {
  if (!CHRT) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(CHRT, args, { timeout: 5000 }, (err) => resolve(!err));
  });
}

/** Puts every thread of `pid` in SCHED_IDLE; false when it cannot (no chrt, not permitted, gone). */
export function setIdlePolicy(pid: number): Promise<boolean> {
  if (process.platform !== 'linux' || !Number.isInteger(pid) || pid <= 1) return Promise.resolve(false);
  return chrt(['--idle', '--all-tasks', '--pid', '0', String(pid)]);
}

/** Puts every thread of `pid` back in SCHED_OTHER (needs privilege: an unprivileged owner cannot leave SCHED_IDLE). */
export function setNormalPolicy(pid: number): Promise<boolean> {
  if (process.platform !== 'linux' || !Number.isInteger(pid) || pid <= 1) return Promise.resolve(false);
  return chrt(['--other', '--all-tasks', '--pid', '0', String(pid)]);
}

/**
 * For the length of a capture, the node's threads in SCHED_IDLE (fork child included: it
 * inherits the policy), when this process may put them back (root); returns the undo, which
 * never throws.
 */
export async function idleNode(nodePid: number, listen: string): Promise<() => Promise<void>> {
  const none = async () => undefined;
  if (process.getuid?.() !== 0) return none;
  const title = await cmdline(nodePid);
  if (!title?.includes('redis') || !title.includes(listen)) return none;
  if (!(await setIdlePolicy(nodePid))) return none;
  return async () => { await setNormalPolicy(nodePid); };
}
