/**
 * The pid each node runs, verified once against its pidfile and command line (`status`), then
 * trusted while the process exists: `kill(pid, 0)` is a system call, no file is read. A cached
 * pid is verified again after `reverifyMs` (a pid reused by another process within that time
 * would need the node to die and the pid space to wrap first). Own children are reaped by Node
 * as they exit, so a gone child is never mistaken for a live zombie; their exit is reported
 * (`exitReported`), so asking whether they are alive costs not even the system call.
 */
export class LivenessCache {
  /** `gone`: seen not to exist any more; kept so that a reuse of the pid is never taken for the node. */
  private readonly pids = new Map<string, { pid: number; verifiedAt: number; exitReported: boolean; gone?: boolean }>();

  constructor(
    private readonly reverifyMs: number,
    private readonly now: () => number = Date.now,
    private readonly exists: (pid: number) => boolean = pidExists,
  ) {}

  /** `pid` was just verified to be the node's process; `exitReported`: its end will be told through `gone`. */
  set(key: string, pid: number, exitReported = false): void {
    this.pids.set(key, { pid, verifiedAt: this.now(), exitReported });
  }

  /**
   * `status` found `pid` to be the node's process: trusted from now, unless that very process's end
   * was reported while it was being checked (the exit event can land between the look at /proc and
   * this call; reviving it would hide a dead node until the next verification). False then.
   */
  verified(key: string, pid: number, exitReported: boolean): boolean {
    const e = this.pids.get(key);
    if (e?.pid === pid && e.gone && e.exitReported) return false;
    this.set(key, pid, exitReported);
    return true;
  }

  /** No process of the node is known (e.g. it was removed). */
  delete(key: string): void {
    this.pids.delete(key);
  }

  /** The node's process is known to have ended, or none was found: the node is not running. */
  gone(key: string): void {
    const e = this.pids.get(key);
    if (e) e.gone = true;
    else this.pids.set(key, { pid: 0, verifiedAt: this.now(), exitReported: true, gone: true });
  }

  /** The node's pid when it was verified within `reverifyMs` and still exists; else undefined (verify again). */
  fresh(key: string): number | undefined {
    const e = this.pids.get(key);
    if (!e || this.now() - e.verifiedAt >= this.reverifyMs) return undefined;
    return this.alive(key) ? e.pid : undefined;
  }

  /** false: the verified process is gone (or none was found); undefined: never looked at. */
  alive(key: string): boolean | undefined {
    const e = this.pids.get(key);
    if (!e) return undefined;
    if (!e.gone && !e.exitReported && !this.exists(e.pid)) e.gone = true;
    return !e.gone;
  }
}

/** True when a process with this pid exists (EPERM: it does, owned by someone else). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
