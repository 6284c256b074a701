/**
 * A backup is background work: on a host whose cores the cache nodes share, the fork child a
 * node starts to serve a transfer (`redis-rdb-to-slaves`) competes for CPU with the primary the
 * backup was taken away from. That child, and the capture's checker, run at nice 19: the
 * primary's clients come first, the transfer takes what is left (backpressure slows it to that
 * pace). Not SCHED_IDLE: on a host busy for longer than a node's `repl-timeout` an idle-class
 * child would get no CPU at all and the node would drop the transfer; nice 19 still progresses.
 *
 * Measured and not kept (docs/BENCHMARKS.md, "Whole pipeline, restore into 3 shards, p99 (2026-12-05)"): the replica's threads,
 * its child and the checker in SCHED_IDLE, the replica's whole session at nice 19
 * (/proc/<pid>/autogroup), and coalesced reads on the service's side. None lowered the primary's
 * p99 on the 2-core machine beyond its noise; the session's nice made a capture on a busy host
 * five times slower, and SCHED_IDLE producers made the service's consumer spend more CPU.
 *
 * Linux only (/proc), best effort: a node that is not a local process, a child gone already or a
 * priority that cannot be set change nothing but the speed.
 */
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';

/** Niceness given to a capture's helper processes (the fork child, the checker). */
export const BACKGROUND_NICE = 19;

/** The command that starts `argv` as background work (`nice -n 19 …`). */
export function backgroundCommand(argv: string[]): { file: string; args: string[] } {
  return { file: 'nice', args: ['-n', String(BACKGROUND_NICE), ...argv] };
}

/**
 * Renices the transfer child(ren) of the redis-server `nodePid`, after checking that `nodePid`
 * is the redis-server listening on `listen` (its process title shows `address:port`). Returns
 * the pids reniced.
 */
export async function lowerForkPriority(nodePid: number, listen: string, nice = BACKGROUND_NICE): Promise<number[]> {
  if (process.platform !== 'linux' || !Number.isInteger(nodePid) || nodePid <= 1) return [];
  const title = await cmdline(nodePid);
  if (!title?.includes('redis') || !title.includes(listen)) return [];
  const children = await readFile(`/proc/${nodePid}/task/${nodePid}/children`, 'utf8').catch(() => '');
  const done: number[] = [];
  for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
    if (!(await cmdline(pid))?.includes('rdb-to-slaves')) continue;
    try {
      setPriority(pid, nice);
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
