import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routing, slotOf } from './commands.js';

const r = (...words: string[]) => routing(words[0]!.toLowerCase(), words.map((w) => Buffer.from(w)));

describe('routing', () => {
  it("routes by the keys' slot, hash tags included", () => {
    assert.equal(r('GET', 'foo').slot, 12182);
    assert.equal(r('MGET', '{u1}a', '{u1}b').slot, slotOf('u1'));
    assert.equal(r('SET', '{u1}a', 'value-not-a-key').slot, slotOf('u1'));
    assert.equal(r('EVAL', 'return 1', '2', '{t}a', '{t}b', 'arg').slot, slotOf('t'));
    assert.equal(r('XREAD', 'COUNT', '1', 'STREAMS', '{s}1', '{s}2', '0', '0').slot, slotOf('s'));
  });

  it('says CROSSSLOT for keys of different slots, and -1 for keyless commands', () => {
    assert.equal(r('MGET', 'a', 'b').slot, 'crossslot');
    assert.equal(r('MSET', 'a', '1', 'b', '2').slot, 'crossslot');
    assert.equal(r('EVAL', 'return 1', '2', 'a', 'b').slot, 'crossslot');
    assert.equal(r('PING').slot, -1);
    assert.equal(r('EVAL', 'return 1', '0').slot, -1);
    assert.equal(r('NOSUCHCOMMAND', 'x').slot, -1);
  });

  it('sends again after a lost connection only what applied twice leaves the same data and reply', () => {
    for (const ok of [['GET', 'k'], ['SET', 'k', 'v'], ['SET', 'k', 'v', 'EX', '10'], ['SET', 'k', 'v', 'KEEPTTL'], ['MSET', 'a', '1', 'b', '2'], ['SETEX', 'k', '5', 'v'], ['HMSET', 'h', 'f', 'v']]) {
      assert.equal(r(...ok).idempotent, true, ok.join(' '));
    }
    for (const no of [['INCR', 'k'], ['SET', 'k', 'v', 'NX'], ['SET', 'k', 'v', 'xx'], ['SET', 'k', 'v', 'GET'], ['DEL', 'k'], ['LPUSH', 'l', 'x'], ['HSET', 'h', 'f', 'v'], ['BLPOP', 'l', '0'], ['EVAL', 'return 1', '0']]) {
      assert.equal(r(...no).idempotent, false, no.join(' '));
    }
    // A value that reads like an option is a value: SET k NX.
    assert.equal(r('SET', 'k', 'NX').idempotent, true);
  });

  it('knows reads, writes and blocking commands (XREAD only with BLOCK)', () => {
    assert.deepEqual(r('GET', 'k'), { slot: 7629, readonly: true, write: false, blocking: false, idempotent: true });
    assert.equal(r('SET', 'k', 'v').write, true);
    assert.equal(r('BLPOP', 'k', '0').blocking, true);
    assert.equal(r('BZPOPMIN', 'k', '0').blocking, true);
    assert.equal(r('XREAD', 'STREAMS', 'k', '0').blocking, false);
    assert.equal(r('XREAD', 'BLOCK', '0', 'STREAMS', 'k', '0').blocking, true);
    assert.equal(r('WAIT', '1', '0').blocking, true);
  });
});
