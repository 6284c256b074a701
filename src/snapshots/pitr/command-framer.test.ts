import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandFramer, ReplicationProtocolError } from './command-framer.js';

const cmd = (...args: string[]) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);

describe('CommandFramer', () => {
  const commands = [cmd('PING'), cmd('SELECT', '0'), cmd('SET', 'k', 'v'), cmd('SET', 'big', 'x'.repeat(200_000)), cmd('set', 'bin', '\r\n*1\r\n'),
    cmd('MULTI'), cmd('INCR', 'n'), cmd('EXEC')];
  const all = Buffer.concat(commands);

  it('returns each command\'s exact bytes, lower-case name and end offset, however the stream is cut', () => {
    // Byte by byte too (a big value is fed in 1 KiB pieces: redis-parser re-reads a partial array per push).
    for (const cut of [1, 2, 7, 1024, 65_536, all.length]) {
      const got: { raw: Buffer; name: string; end: number }[] = [];
      const f = new CommandFramer(1000, (raw, name, end) => got.push({ raw: Buffer.from(raw), name, end }));
      const bigStart = commands.slice(0, 3).reduce((n, c) => n + c.length, 0);
      const bigEnd = bigStart + commands[3]!.length;
      for (let at = 0; at < all.length;) {
        const n = at >= bigStart && at < bigEnd ? Math.max(cut, 1024) : cut;
        f.push(all.subarray(at, at + n));
        at += n;
      }
      assert.equal(got.length, commands.length, `cut ${cut}`);
      let end = 1000;
      got.forEach((g, i) => {
        assert.ok(g.raw.equals(commands[i]!), `cut ${cut}, command ${i}`);
        end += commands[i]!.length;
        assert.equal(g.end, end);
      });
      assert.deepEqual(got.map((g) => g.name), ['ping', 'select', 'set', 'set', 'set', 'multi', 'incr', 'exec']);
      assert.equal(f.offset, 1000 + all.length);
    }
  });

  it('keeps a partial command until it is complete', () => {
    const got: number[] = [];
    const f = new CommandFramer(0, (_r, _n, end) => got.push(end));
    f.push(cmd('SET', 'a', '1').subarray(0, 10));
    assert.deepEqual(got, []);
    assert.equal(f.offset, 0);
    f.push(cmd('SET', 'a', '1').subarray(10));
    assert.deepEqual(got, [cmd('SET', 'a', '1').length]);
  });

  it('refuses anything that is not a command', () => {
    assert.throws(() => new CommandFramer(0, () => undefined).push(Buffer.from('-ERR nope\r\n')), ReplicationProtocolError);
    assert.throws(() => new CommandFramer(0, () => undefined).push(Buffer.from('+OK\r\n')), /other than a command/);
    assert.throws(() => new CommandFramer(0, () => undefined).push(Buffer.from('?what\r\n')), /not RESP/);
  });
});
