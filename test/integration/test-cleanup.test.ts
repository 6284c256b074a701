/**
 * The tests' own cleanup (test/helpers/cleanup.ts): what a test registers after the cleanup ran
 * (its suite timed out while the test went on) is released at once, never left to keep the file's
 * process alive; a callback that never settles does not stop the rest.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { Cleanup } from '../helpers/cleanup.js';
import { waitFor } from '../../src/util/wait.js';

describe('test cleanup', () => {
  test('a server registered after run() is closed at once, and no new directory is handed out', async () => {
    const cleanup = new Cleanup();
    const dir = await cleanup.tmpDir();
    await cleanup.run();
    assert.equal(existsSync(dir), false, 'the directory made before run() is gone');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.defer(() => new Promise((r) => server.close(r)));
    await waitFor(() => !server.listening, { timeoutMs: 2000, what: 'the late server to be closed' });
    await assert.rejects(cleanup.tmpDir(), /already ran/);
  });

  test('runs later callbacks first, and goes on past one that throws', async () => {
    const cleanup = new Cleanup();
    const order: string[] = [];
    cleanup.defer(() => { order.push('first'); });
    cleanup.defer(() => { throw new Error('boom'); });
    cleanup.defer(() => { order.push('last'); });
    await assert.rejects(cleanup.run(), (e: AggregateError) => e.errors.length === 1);
    assert.deepEqual(order, ['last', 'first']);
  });
});
