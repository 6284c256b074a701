import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { waitFor } from '../util/wait.js';
import { checkpointOffThread } from './wal-checkpoints.js';

function walDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-wal-'));
  const path = join(dir, 'test.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  return { db, path, done: () => { if (db.open) db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

test('the worker checkpoints the WAL into the database file; the connection itself never does', async () => {
  const { db, path, done } = walDb();
  const cp = checkpointOffThread(db, path, { intervalMs: 20 });
  try {
    assert.ok(cp);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'the connection checkpoints no more');
    const before = statSync(path).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000)); })();
    // 2 MB in the WAL: only a checkpoint copies it into the database file.
    await waitFor(() => statSync(path).size > before + 1_000_000, { timeoutMs: 5000, what: 'the database file to receive the WAL' });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 2000);
  } finally {
    await cp?.close();
    await cp?.close(); // a second close waits for the same end
    done();
  }
});

test('a worker that cannot run gives the connection its automatic checkpoints back', async () => {
  const { db, done } = walDb();
  const errors: Error[] = [];
  const cp = checkpointOffThread(db, join(tmpdir(), 'cachefleet-no-such-dir', 'missing.db'), { onError: (e) => errors.push(e) });
  try {
    await waitFor(() => errors.length > 0, { timeoutMs: 5000, what: 'the worker to fail' });
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  } finally {
    await cp?.close();
    done();
  }
});

test('an in-memory database starts no worker', () => {
  const db = new Database(':memory:');
  assert.equal(checkpointOffThread(db, ':memory:'), undefined);
  db.close();
});
