import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { EventEmitter } from 'node:events';
import { drainOrClose, ReplyCounter, RestoreWriter } from './target-stream.js';

/** The commands in `wire`, as a server's parser would read them (RESP arrays of bulk strings). */
function parse(wire: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  const parser = new RedisParser({ returnBuffers: true, returnReply: (r: Buffer[]) => out.push(r), returnError: (e: Error) => { throw e; } });
  parser.execute(wire);
  return out;
}

describe('RestoreWriter', () => {
  it('writes RESTORE key ttl payload REPLACE, payloads intact across buffer ends, in FLUSH-sized writes', () => {
    const writes: Buffer[] = [];
    const w = new RestoreWriter((b, done) => { writes.push(Buffer.from(b)); done(); }, 100);
    const small = Buffer.from([0, 1, 2, 13, 10, 36, 42, 9, 0]);
    const big = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    w.begin(Buffer.from('k\r\n'), 1234, small.length);
    w.payload(small, 0, 4);
    w.payload(small, 4, small.length);
    w.end();
    w.begin(Buffer.from('x'), 0, big.length);
    for (let i = 0; i < big.length; i += 37) w.payload(big, i, Math.min(big.length, i + 37));
    w.end();
    w.command(Buffer.from('*1\r\n$4\r\nPING\r\n'));
    w.flush();
    assert.ok(writes.length > 5, 'a payload larger than the buffer goes out in several writes');
    const got = parse(Buffer.concat(writes));
    assert.equal(w.commands, 3);
    assert.deepEqual(got[0]!.map(String).slice(0, 3), ['RESTORE', 'k\r\n', '1234']);
    assert.ok(got[0]![3]!.equals(small));
    assert.equal(String(got[0]![4]), 'REPLACE');
    assert.deepEqual(got[1]!.map(String).slice(0, 3), ['RESTORE', 'x', '0']);
    assert.ok(got[1]![3]!.equals(big));
    assert.deepEqual(got[2]!.map(String), ['PING']);
  });

  it('writes SET key value, with PX ttl when the key has one; TTLs and lengths of any number of digits', () => {
    const writes: Buffer[] = [];
    const w = new RestoreWriter((b, done) => { writes.push(Buffer.from(b)); done(); }, 50);
    const value = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    w.beginSet(Buffer.from('s1'), 0, value.length);
    w.payload(value, 0, value.length);
    w.end();
    w.beginSet(Buffer.from('s2'), 86_399_987, 1);
    w.payload(Buffer.from('7'), 0, 1);
    w.end();
    w.beginSet(Buffer.from('s3'), 9, 0);
    w.end();
    w.begin(Buffer.from('r'), 1_000_000_000_000, 2);
    w.payload(Buffer.from('ab'), 0, 2);
    w.end();
    w.flush();
    const got = parse(Buffer.concat(writes));
    assert.equal(w.commands, 4);
    assert.deepEqual(got[0]!.slice(0, 2).map(String), ['SET', 's1']);
    assert.ok(got[0]![2]!.equals(value));
    assert.equal(got[0]!.length, 3);
    assert.deepEqual(got.slice(1).map((c) => c.map(String)), [
      ['SET', 's2', '7', 'PX', '86399987'],
      ['SET', 's3', '', 'PX', '9'],
      ['RESTORE', 'r', '1000000000000', 'ab', 'REPLACE'],
    ]);
  });
});

describe('ReplyCounter', () => {
  it('counts reply lines cut anywhere, and keeps the first error', () => {
    const wire = Buffer.from('+OK\r\n+OK\r\n-OOM command not allowed when used memory > \'maxmemory\'.\r\n+OK\r\n-ERR second\r\n+PONG\r\n');
    for (let cut = 0; cut <= wire.length; cut++) {
      const c = new ReplyCounter();
      c.feed(wire.subarray(0, cut));
      c.feed(wire.subarray(cut));
      assert.equal(c.count, 6, `cut at ${cut}`);
      assert.equal(c.error, 'OOM command not allowed when used memory > \'maxmemory\'.', `cut at ${cut}`);
    }
  });
});

describe('drainOrClose', () => {
  it('resolves on drain or on close, and leaves no listener behind either way', async () => {
    const socket = new EventEmitter();
    for (let i = 0; i < 50; i++) {
      const waited = drainOrClose(socket);
      socket.emit(i % 2 ? 'drain' : 'close');
      await waited;
    }
    assert.deepEqual(['drain', 'close', 'error'].map((n) => socket.listenerCount(n)), [0, 0, 0]);
  });

  it('an error event ends the wait too', async () => {
    const socket = new EventEmitter();
    const waited = drainOrClose(socket);
    socket.emit('error', new Error('EPIPE'));
    await waited;
    assert.equal(socket.listenerCount('close'), 0);
  });
});
