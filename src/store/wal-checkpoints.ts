import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface OffThreadCheckpoints {
  /** Stops the worker after a last checkpoint (the database's own connection stays open). */
  close(): Promise<void>;
}

/** How often the worker checkpoints (SQLite's own default would run one every 1,000 pages written). */
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Moves a WAL-mode SQLite file's checkpoints off the event loop. SQLite runs an automatic
 * checkpoint inside the commit that grows the WAL past 1,000 pages, and with it the fsync of the
 * WAL and the database file: better-sqlite3 commits on the calling thread, so the control plane's
 * whole event loop waited for that fsync. On a busy disk it took 300-640 ms (measured with a
 * 1 GiB `dd … conv=fsync` running), long enough to delay a failover's steps and the health
 * monitor. Here the connection's automatic checkpoints are turned off and a worker thread, with a
 * connection of its own, checkpoints every `intervalMs` (PASSIVE: it never blocks the writer).
 * Should the worker fail, the connection's automatic checkpoints come back, so the WAL never grows
 * without bound. An in-memory database has no WAL: nothing is started.
 */
export function checkpointOffThread(db: Database.Database, path: string,
  opts: { intervalMs?: number; onError?: (err: Error) => void } = {}): OffThreadCheckpoints | undefined {
  if (path === ':memory:' || db.memory) return undefined;
  const worker = new Worker(new URL('./wal-checkpoint-worker.js', import.meta.url), {
    workerData: { path, intervalMs: opts.intervalMs ?? CHECKPOINT_INTERVAL_MS },
  });
  db.pragma('wal_autocheckpoint = 0');
  let closing = false;
  const fallBack = (err: Error) => {
    if (closing) return;
    // The connection may have been closed by its owner first; then there is nothing to restore.
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    opts.onError?.(err);
  };
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', fallBack);
  worker.on('exit', (code) => { if (!closing) fallBack(new Error(`the checkpoint worker exited (code ${code})`)); });
  worker.unref();
  return {
    async close() {
      if (!closing) {
        closing = true;
        worker.ref(); // the caller waits for it
        worker.postMessage('stop');
      }
      await ended;
    },
  };
}
