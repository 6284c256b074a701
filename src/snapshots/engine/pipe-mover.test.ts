import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { dumpCommands, restoreCommands } from './pipe-mover.js';

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

  it('RESTORE key ttl payload REPLACE for every entry, payloads intact', () => {
    const payload = Buffer.from([0, 1, 2, 13, 10, 36, 42, 9, 0]);
    const big = Buffer.alloc(70_000, 7);
    const got = parse(restoreCommands([{ key: Buffer.from('k\r\n'), ttl: 1234, payload }, { key: Buffer.from('x'), ttl: 0, payload: big }]));
    assert.equal(got.length, 2);
    assert.deepEqual(got[0]!.map(String).slice(0, 3), ['RESTORE', 'k\r\n', '1234']);
    assert.ok(got[0]![3]!.equals(payload));
    assert.equal(String(got[0]![4]), 'REPLACE');
    assert.deepEqual(got[1]!.map(String).slice(0, 3), ['RESTORE', 'x', '0']);
    assert.ok(got[1]![3]!.equals(big));
  });
});
