/**
 * The checkpoint worker of wal-checkpoints.ts: its own connection to the database file, a PASSIVE
 * checkpoint every `intervalMs`, a last one when told to stop. A failed checkpoint (the file busy,
 * or gone with its directory) is tried again at the next tick.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');

const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Tried again at the next tick.
  }
};
const timer = setInterval(checkpoint, intervalMs);
parentPort!.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort!.close();
});
