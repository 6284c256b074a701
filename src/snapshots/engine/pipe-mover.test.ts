import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { dumpCommands } from './pipe-mover.js';

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

  it('PTTL of every key, then one MGET of them all; a key of 10 characters or more (two-digit length) too', () => {
    const keys = [Buffer.from('0123456789abc'), Buffer.from(''), Buffer.from([0, 13, 10])];
    const got = parse(dumpCommands(keys, 'MGET')).map((c) => c.map((b) => b.toString('latin1')));
    assert.deepEqual(got, [['PTTL', '0123456789abc'], ['PTTL', ''], ['PTTL', '\x00\r\n'], ['MGET', '0123456789abc', '', '\x00\r\n']]);
  });
});
