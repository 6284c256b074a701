import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../api/http.js';
import type { ActionHandler } from '../api/types.js';
import { SqliteStore } from '../store/index.js';
import { consoleMount } from './routes.js';
import { SessionStore } from './session.js';
import { CSRF_HEADER } from './guard.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-console-sessions-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const STATE = join(dir, 'state.db');
const HEADERS = { host: 'console.test', origin: 'http://console.test' };

const describeGroups: ActionHandler<Record<string, never>> = {
  name: 'DescribeReplicationGroups',
  handle: () => ({ ReplicationGroups: [] }),
};

/** The API server with the console as the service mounts it: sessions in the state store at STATE. */
function serve(store: SqliteStore) {
  return createApiServer({
    actions: new Map([[describeGroups.name, describeGroups]]),
    mount: consoleMount({ secretFor: (id) => (id === 'AKIAADMIN' ? 'admin-secret' : undefined), secure: false, files: new Map(),
      sessions: new SessionStore({ records: store.consoleSessions }) }),
  });
}

test('a session cookie still works after the control plane restarts over the same state; the state holds no session id', async () => {
  const first = new SqliteStore(STATE);
  const before = serve(first);
  const signIn = await before.inject({ method: 'POST', url: '/console/api/sign-in', headers: HEADERS,
    payload: JSON.stringify({ accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret' }) });
  assert.equal(signIn.statusCode, 200);
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  const { csrfToken } = signIn.json() as { csrfToken: string };
  await before.close();
  await first.close();
  assert.ok(!readFileSync(STATE).includes(cookie.split('=')[1]!), 'only its hash is in the database');

  const second = new SqliteStore(STATE);
  const restarted = serve(second);
  try {
    const session = await restarted.inject({ method: 'GET', url: '/console/api/session', headers: { ...HEADERS, cookie } });
    assert.equal(session.statusCode, 200);
    assert.deepEqual([session.json().accessKeyId, session.json().csrfToken], ['AKIAADMIN', csrfToken], 'the same session, its CSRF token too');
    const call = await restarted.inject({ method: 'POST', url: '/console/api/call/elasticache/DescribeReplicationGroups',
      headers: { ...HEADERS, cookie, [CSRF_HEADER]: csrfToken }, payload: JSON.stringify({ params: {} }) });
    assert.equal(call.statusCode, 200);
    const out = await restarted.inject({ method: 'POST', url: '/console/api/sign-out', headers: { ...HEADERS, cookie, [CSRF_HEADER]: csrfToken } });
    assert.equal(out.statusCode, 200);
    assert.equal((await restarted.inject({ method: 'GET', url: '/console/api/session', headers: { ...HEADERS, cookie } })).statusCode, 401);
  } finally {
    await restarted.close();
    await second.close();
  }
});
