import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_OPEN_FILES, engineCommand, openFilesRaiser } from './engine-process.js';
import { defaultEngineWorkers } from './options.js';

test('the engine starts under prlimit with room for 65,000 clients where the limit may be raised', () => {
  assert.deepEqual(engineCommand('/x/main.js', '/d/proxy.json', '/usr/bin/prlimit'),
    ['/usr/bin/prlimit', [`--nofile=${ENGINE_OPEN_FILES}:${ENGINE_OPEN_FILES}`, process.execPath, '/x/main.js', '/d/proxy.json']]);
  assert.ok(ENGINE_OPEN_FILES > 65_000);
  assert.deepEqual(engineCommand('/x/main.js', '/d/proxy.json', false), [process.execPath, ['/x/main.js', '/d/proxy.json']], 'where it may not: as it is');
  // Tried for real once: a path, or false where prlimit is missing or not permitted (no CAP_SYS_RESOURCE).
  const r = openFilesRaiser();
  assert.ok(r === false || r.endsWith('prlimit'));
  assert.equal(openFilesRaiser(), r, 'remembered');
});

test('the endpoint engine gets half the cores as workers, at least one', () => {
  assert.equal(defaultEngineWorkers(1), 1);
  assert.equal(defaultEngineWorkers(2), 1);
  assert.equal(defaultEngineWorkers(3), 1);
  assert.equal(defaultEngineWorkers(8), 4);
});
