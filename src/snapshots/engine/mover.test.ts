import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateArgs } from './mover.js';

const shard = (auth?: { username?: string; password?: string }) => ({ primary: { address: '127.0.0.1', port: 7000, ...(auth ? { auth } : {}) } });

describe('migrateArgs', () => {
  it('copies, replaces, and authenticates as the target asks', () => {
    assert.deepEqual(migrateArgs(shard(), 0, 30000), ['', '0', '30000', 'COPY', 'REPLACE', 'KEYS']);
    assert.deepEqual(migrateArgs(shard({ password: 'tok' }), 3, 500), ['', '3', '500', 'COPY', 'REPLACE', 'AUTH', 'tok', 'KEYS']);
    assert.deepEqual(migrateArgs(shard({ username: 'cachefleet-admin', password: 's3cret' }), 0, 1000),
      ['', '0', '1000', 'COPY', 'REPLACE', 'AUTH2', 'cachefleet-admin', 's3cret', 'KEYS']);
  });
});
