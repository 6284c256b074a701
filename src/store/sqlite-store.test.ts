import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from './conformance.js';
import { runConsoleSessionConformance } from './console-sessions-conformance.js';
import { SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function statePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-store-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

runStoreConformance('SqliteStore', async () => new SqliteStore(statePath()));

runConsoleSessionConformance('SqliteStore', async () => {
  const store = new SqliteStore(statePath());
  return { sessions: store.consoleSessions, close: () => store.close() };
});

test('SqliteStore: console sessions outlive the store that wrote them (a restart of the control plane)', async () => {
  const path = statePath();
  const first = new SqliteStore(path);
  await first.consoleSessions.put({ idHash: 'h1', csrfToken: 'c1', accessKeyId: 'AKIA1', expiresAt: 5_000 });
  await first.close();
  const second = new SqliteStore(path);
  try {
    assert.deepEqual(await second.consoleSessions.get('h1'), { idHash: 'h1', csrfToken: 'c1', accessKeyId: 'AKIA1', expiresAt: 5_000 });
  } finally {
    await second.close();
  }
});
