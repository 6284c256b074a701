import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandFramer } from './command-framer.js';
import { encode, MAX_LOGIN_BYTES } from './first-command.js';

const cmd = (...a: (string | Buffer)[]) => encode(a.map((s) => (typeof s === 'string' ? Buffer.from(s) : s)));

/** Feeds `chunks`; returns what was passed on, the logins the sink saw, and how many pass calls there were. */
function frame(chunks: Buffer[], rewrite: (raw: Buffer) => Buffer = (raw) => raw) {
  const out: Buffer[] = [];
  const logins: string[] = [];
  const f = new CommandFramer({
    pass: (b) => out.push(Buffer.from(b)),
    login: (raw) => { logins.push(raw.toString('latin1')); return rewrite(raw); },
  });
  for (const c of chunks) f.push(c);
  return { out: Buffer.concat(out).toString('latin1'), logins, passes: out.length };
}

/** `buf` cut at random places (a fixed seed: the same cuts every run). */
function splits(buf: Buffer, seed: number): Buffer[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length;) {
    const n = 1 + Math.floor(rand() * (rand() < 0.5 ? 8 : 200));
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('CommandFramer', () => {
  const login1 = cmd('AUTH', 'app', 'token-1');
  const login2 = cmd('hello', '3', 'auth', 'app', 'token-2');
  const login3 = cmd('aUtH', 'token-3');
  // Values that look like logins are payload, never commands; so is an inline AUTH (Redis reads it, we do not).
  const stream = Buffer.concat([
    cmd('PING'), login1, cmd('SET', 'k', login1), cmd('HGET', 'h', 'f'), cmd('HELLA', 'x'), Buffer.from('*0\r\n*-1\r\n'),
    Buffer.from('AUTH inline token\r\n'), cmd('GET', Buffer.alloc(70_000, 0x2a)), login2, cmd('MSET', 'a', '*3\r\n$4\r\nAUTH\r\n', 'b', 'c'), login3,
    Buffer.from('PING\r\n'), cmd('PING'),
  ]);

  it('passes every byte on unchanged and hands over exactly the AUTH/HELLO commands, however the stream is cut', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const chunks = seed === 1 ? [stream] : seed === 2 ? [...stream].map((b) => Buffer.from([b])) : splits(stream, seed);
      const r = frame(chunks);
      assert.equal(r.out, stream.toString('latin1'), `seed ${seed}`);
      assert.deepEqual(r.logins, [login1, login2, login3].map((b) => b.toString('latin1')), `seed ${seed}`);
    }
  });

  it('puts what the sink returns in the login\'s place, in order', () => {
    const r = frame(splits(stream, 42), (raw) => (raw.equals(login2) ? Buffer.from('<REWRITTEN>') : raw));
    assert.equal(r.out, stream.toString('latin1').replace(login2.toString('latin1'), '<REWRITTEN>'));
  });

  it('streams everything else at once: a large value is passed on chunk by chunk, not held', () => {
    const big = cmd('SET', 'k', Buffer.alloc(1_000_000, 0x61));
    const f: Buffer[] = [];
    const framer = new CommandFramer({ pass: (b) => f.push(b), login: (raw) => raw });
    const chunks = [big.subarray(0, 65536), big.subarray(65536, 131072)];
    for (const c of chunks) framer.push(c);
    assert.equal(Buffer.concat(f).length, 131072, 'nothing held back');
    assert.equal(f[0], chunks[0], 'a chunk goes on as it came (no copy)');
  });

  it('holds a login split over chunks until it is whole', () => {
    const before: Buffer[] = [];
    const framer = new CommandFramer({ pass: (b) => before.push(b), login: () => Buffer.from('<L>') });
    framer.push(Buffer.concat([cmd('PING'), login1.subarray(0, 10)]));
    assert.equal(Buffer.concat(before).toString(), cmd('PING').toString(), 'the PING goes on; the start of the AUTH waits');
    framer.push(login1.subarray(10));
    assert.equal(Buffer.concat(before).toString(), `${cmd('PING').toString()}<L>`);
  });

  it('a login larger than any token is no login: passed on as it is, and commands after it are still found', () => {
    const huge = cmd('AUTH', 'app', 'x'.repeat(MAX_LOGIN_BYTES + 10));
    const input = Buffer.concat([huge, login1]);
    for (const chunks of [[input], splits(input, 7)]) {
      const r = frame(chunks);
      assert.ok(r.out === input.toString('latin1'), 'passed on unchanged');
      assert.deepEqual(r.logins, [login1.toString('latin1')]);
    }
  });

  it('stops looking where redis-server refuses the stream (it closes the connection): the rest passes unchanged', () => {
    for (const bad of ['*2\r\n$x\r\n', '*01\r\n', '*-0\r\n', '*\r\n', '*2\r\n+4\r\n', '*1\r\n$-1\r\n', 'PI\0NG\r\n', '*1234567890123456\r\n']) {
      const input = Buffer.concat([Buffer.from(bad, 'latin1'), login1]);
      const r = frame(splits(input, 3));
      assert.equal(r.out, input.toString('latin1'), JSON.stringify(bad));
      assert.deepEqual(r.logins, [], JSON.stringify(bad));
    }
  });

  it('reads headers as redis-server does: the byte after a header\'s CR is skipped whatever it is', () => {
    // `*2\rX$4\rXAUTH…`: redis-server runs this AUTH; so must the framer see it.
    const odd = Buffer.from('*3\rX$4\rXAUTH\r\n$3\r\napp\r\n$7\r\ntoken-1\r\n', 'latin1');
    assert.deepEqual(frame([odd]).logins, [odd.toString('latin1')]);
  });
});
