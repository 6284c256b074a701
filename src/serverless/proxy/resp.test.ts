import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { array, bulk, decode, encodeCommand, errorText, frameEnd, integer, map, push } from './resp.js';

const b = (s: string) => Buffer.from(s);

describe('frameEnd', () => {
  it('finds the end of each RESP2 and RESP3 type, and -1 while incomplete', () => {
    const frames = [
      '+OK\r\n', '-ERR x\r\n', ':42\r\n', '$3\r\nfoo\r\n', '$-1\r\n', '*-1\r\n', '*2\r\n$1\r\na\r\n:1\r\n',
      '_\r\n', ',3.14\r\n', '#t\r\n', '(123\r\n', '=8\r\ntxt:abcd\r\n', '%1\r\n+k\r\n*1\r\n:1\r\n',
      '~2\r\n+a\r\n+b\r\n', '>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n', '|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n', '*0\r\n',
    ];
    for (const f of frames) {
      const buf = b(f + '+NEXT\r\n');
      assert.equal(frameEnd(buf, 0), f.length, f);
      // Every strict prefix is incomplete.
      for (let i = 0; i < f.length; i++) assert.equal(frameEnd(b(f.slice(0, i)), 0), -1, `${JSON.stringify(f)} cut at ${i}`);
    }
  });

  it('handles a bulk string holding CRLF and nested aggregates', () => {
    const f = '*2\r\n*2\r\n$4\r\na\r\nb\r\n:1\r\n$0\r\n\r\n';
    assert.equal(frameEnd(b(f), 0), f.length);
    assert.equal(frameEnd(b(`xx${f}`), 2), f.length + 2);
  });

  it('rejects bytes that are not RESP', () => {
    assert.throws(() => frameEnd(b('hello\r\n'), 0), /not RESP/);
  });
});

describe('encoders and decode', () => {
  it('round-trip', () => {
    assert.deepEqual(decode(encodeCommand(['SET', 'k', b('v')])).value, [b('SET'), b('k'), b('v')]);
    assert.equal(bulk(null, 3).toString(), '_\r\n');
    assert.equal(bulk(null, 2).toString(), '$-1\r\n');
    assert.equal(map([['a', integer(1)]], 3).toString(), '%1\r\n$1\r\na\r\n:1\r\n');
    assert.equal(map([['a', integer(1)]], 2).toString(), '*2\r\n$1\r\na\r\n:1\r\n');
    assert.equal(push([bulk('x')], 3).toString(), '>1\r\n$1\r\nx\r\n');
    assert.deepEqual(decode(array([integer(1), bulk('x')])).value, [1, b('x')]);
    assert.equal(errorText(b('-MOVED 1 h:1\r\n')), 'MOVED 1 h:1');
    assert.equal(errorText(b('+OK\r\n')), undefined);
  });
});

describe('encodeCommand', () => {
  it('writes each argument with its byte length, at the digit-count boundaries, with UTF-8 strings and empty ones', () => {
    for (const n of [0, 1, 9, 10, 99, 100, 1000, 65536]) {
      const v = Buffer.alloc(n, 0x61);
      assert.equal(encodeCommand(['SET', 'k', v]).toString('latin1'), `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${n}\r\n${'a'.repeat(n)}\r\n`);
    }
    assert.deepEqual(encodeCommand(['SET', 'clé', '€']), b('*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$3\r\n€\r\n'));
    const many = Array.from({ length: 12 }, (_, i) => String(i));
    assert.deepEqual(decode(encodeCommand(many)).value, many.map(b));
  });
});
