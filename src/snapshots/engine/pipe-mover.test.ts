import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { dumpCommands, restoreCommand } from './pipe-mover.js';

/** The commands in `wire`, as a server's parser would read them (RESP arrays of bulk strings). */
function parse(wire: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  const parser = new RedisParser({ returnBuffers: true, returnReply: (r: Buffer[]) => out.push(r), returnError: (e: Error) => { throw e; } });
  parser.execute(wire);
  return out;
}

describe('pipe-mover wire words', () => {
  it('PTTL and DUMP for every key, binary keys intact', () => {
    const keys = [Buffer.from('a'), Buffer.from([0, 13, 10, 255]), Buffer.from('{tag}x')];
    const got = parse(dumpCommands(keys)).map((c) => c.map((b) => b.toString('hex')));
    const want = keys.flatMap((k) => [['PTTL', k], ['DUMP', k]].map(([n, key]) => [Buffer.from(n as string).toString('hex'), (key as Buffer).toString('hex')]));
    assert.deepEqual(got, want);
  });

  it('RESTORE key ttl payload REPLACE, the payload passed through as it is', () => {
    const payload = Buffer.from([0, 1, 2, 13, 10, 36, 42, 9, 0]);
    const [cmd] = parse(Buffer.concat(restoreCommand(Buffer.from('k\r\n'), 1234, payload)));
    assert.deepEqual(cmd!.map(String).slice(0, 3), ['RESTORE', 'k\r\n', '1234']);
    assert.ok(cmd![3]!.equals(payload));
    assert.equal(String(cmd![4]), 'REPLACE');
    const parts = restoreCommand(Buffer.from('k'), 0, payload);
    assert.ok(parts.includes(payload), 'not copied');
  });
});
