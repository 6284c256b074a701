import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientsPerWorker, FD_RESERVE, MAX_CLIENTS, openFilesLimit } from './client-limit.js';

test('each worker takes its share of maxclients, within what its open-files limit allows', () => {
  assert.equal(clientsPerWorker(MAX_CLIENTS, 2, 1_048_576), 32_500);
  assert.equal(clientsPerWorker(MAX_CLIENTS, 3, undefined), 21_667);
  assert.equal(clientsPerWorker(MAX_CLIENTS, 2, 20_000), 20_000 - FD_RESERVE, 'capped by the fd limit');
  assert.equal(clientsPerWorker(4, 1, 1024), 1, 'never below one');
});

test('reads the soft limit of open files from /proc/self/limits', () => {
  const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                70000                files\n';
  assert.equal(openFilesLimit(limits), 20_000);
  assert.equal(openFilesLimit('Max open files            unlimited            unlimited            files\n'), undefined);
  assert.equal(openFilesLimit(''), undefined);
  if (process.platform === 'linux') assert.ok((openFilesLimit() ?? 0) > 0, 'this process has one');
});
