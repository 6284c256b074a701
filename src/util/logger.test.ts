import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';

/** As ioredis makes them: an Error subclass with the command on it. */
class ReplyError extends Error {
  override name = 'ReplyError';
}

describe('createLogger', () => {
  it('logs a failed command by its name and argument count, never its arguments (MIGRATE carries AUTH2 <user> <password>)', async () => {
    const lines: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger({ destination: out });
    const e = Object.assign(new ReplyError('ERR Target instance replied with error: CLUSTERDOWN The cluster is down'), {
      command: { name: 'MIGRATE', args: ['127.0.0.1', '6379', '', '0', '10000', 'REPLACE', 'AUTH2', 'cachefleet-admin', 'the-secret-password', 'KEYS', 'k1'] },
    });
    log.child({ component: 'reconciler' }).warn({ err: e, resource: 'g' }, 'slot migration failed');
    await new Promise((r) => setImmediate(r));
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0]!, /the-secret-password/);
    const rec = JSON.parse(lines[0]!) as { err: { message: string; command: unknown; stack: string } };
    assert.deepEqual(rec.err.command, { name: 'MIGRATE', args: 11 });
    assert.match(rec.err.message, /CLUSTERDOWN/);
    assert.match(rec.err.stack, /ReplyError/);
  });
});
