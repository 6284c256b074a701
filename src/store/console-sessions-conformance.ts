import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsoleSessionRecord, ConsoleSessionRecords } from './console-sessions.js';

function session(idHash: string, accessKeyId: string, expiresAt: number): ConsoleSessionRecord {
  return { idHash, accessKeyId, expiresAt, csrfToken: `csrf-${idHash}` };
}

/**
 * The behaviour every store of console sessions must have (the in-memory one, SQLite's; a
 * PostgreSQL or etcd store would call it too). `open` gives an empty store and how to close it.
 */
export function runConsoleSessionConformance(name: string, open: () => Promise<{ sessions: ConsoleSessionRecords; close(): Promise<void> }>): void {
  test(`${name}: console sessions: put, get by hash, replace, delete`, async () => {
    const { sessions: s, close } = await open();
    try {
      await s.put(session('h1', 'AKIA1', 2_000));
      assert.deepEqual(await s.get('h1'), session('h1', 'AKIA1', 2_000));
      assert.equal(await s.get('h2'), undefined);
      await s.put({ ...session('h1', 'AKIA1', 3_000), csrfToken: 'other' });
      assert.deepEqual(await s.get('h1'), { ...session('h1', 'AKIA1', 3_000), csrfToken: 'other' }, 'replaced');
      await s.delete('h1');
      assert.equal(await s.get('h1'), undefined);
      await s.delete('h1'); // deleting what is gone is no error
    } finally {
      await close();
    }
  });

  test(`${name}: console sessions: expired ones deleted in one sweep, an access key's all at once, the last-ending kept by trim`, async () => {
    const { sessions: s, close } = await open();
    try {
      for (const [h, key, end] of [['a', 'K1', 100], ['b', 'K1', 200], ['c', 'K2', 300], ['d', 'K2', 400], ['e', 'K3', 500]] as const) {
        await s.put(session(h, key, end));
      }
      assert.equal(await s.deleteExpired(200), 2, 'ended at or before now');
      assert.deepEqual([await s.get('a'), await s.get('b')], [undefined, undefined]);
      assert.equal((await s.get('c'))?.idHash, 'c');
      await s.deleteOfKey('K2');
      assert.deepEqual([await s.get('c'), await s.get('d')], [undefined, undefined]);
      assert.equal((await s.get('e'))?.accessKeyId, 'K3', "another key's session stays");
      await s.put(session('f', 'K3', 600));
      await s.put(session('g', 'K3', 550));
      await s.trim(2);
      assert.deepEqual(await Promise.all(['e', 'f', 'g'].map(async (h) => (await s.get(h))?.idHash)), [undefined, 'f', 'g']);
      assert.equal(await s.deleteExpired(10_000), 2);
    } finally {
      await close();
    }
  });
}
