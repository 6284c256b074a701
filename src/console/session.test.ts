import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryConsoleSessions, type ConsoleSessionRecord } from '../store/index.js';
import { SessionStore, sessionIdHash } from './session.js';

/** The records as stored, read back through the store's interface (the memory store's rows). */
async function stored(records: MemoryConsoleSessions, ids: string[]): Promise<Array<ConsoleSessionRecord | undefined>> {
  return Promise.all(ids.map((id) => records.get(sessionIdHash(id))));
}

test("the store keeps a session's SHA-256, its CSRF token, key and expiry, never its id", async () => {
  const records = new MemoryConsoleSessions();
  const put: ConsoleSessionRecord[] = [];
  const spy = Object.assign(Object.create(records) as MemoryConsoleSessions, {
    put: async (r: ConsoleSessionRecord) => { put.push(r); await records.put(r); },
  });
  const sessions = new SessionStore({ records: spy, ttlMs: 60_000, now: () => 1_000 });
  const s = await sessions.create('AKIA1');
  assert.match(s.id, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(put, [{ idHash: sessionIdHash(s.id), csrfToken: s.csrfToken, accessKeyId: 'AKIA1', expiresAt: 61_000 }]);
  assert.match(put[0]!.idHash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(put).includes(s.id), 'the id itself is not stored');
  assert.deepEqual(await sessions.get(s.id), s, 'found again by its id');
});

test('a second SessionStore over the same records knows the sessions of the first (a restart)', async () => {
  const records = new MemoryConsoleSessions();
  const s = await new SessionStore({ records }).create('AKIA1');
  const again = await new SessionStore({ records }).get(s.id);
  assert.deepEqual(again, s);
});

test('expired sessions are refused and deleted when met, and swept at every sign-in; the oldest dropped beyond the most kept', async () => {
  let clock = 0;
  const records = new MemoryConsoleSessions();
  const sessions = new SessionStore({ records, ttlMs: 100, now: () => clock, maxSessions: 2 });
  const a = await sessions.create('K');
  clock = 50;
  const b = await sessions.create('K');
  clock = 100;
  assert.equal(await sessions.get(a.id), undefined, 'ended at its expiry');
  assert.deepEqual(await stored(records, [a.id]), [undefined], 'and deleted');
  const c = await sessions.create('K');
  const d = await sessions.create('K');
  assert.deepEqual((await stored(records, [b.id, c.id, d.id])).map((r) => r?.accessKeyId), [undefined, 'K', 'K'], 'b dropped: two kept at most');
  clock = 200;
  await sessions.create('K2');
  assert.deepEqual(await stored(records, [c.id, d.id]), [undefined, undefined], 'expired ones swept at sign-in');
  await sessions.deleteKey('K2');
  assert.equal(await records.deleteExpired(Number.MAX_SAFE_INTEGER), 0, 'nothing left');
});
