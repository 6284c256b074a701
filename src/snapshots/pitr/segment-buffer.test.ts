import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentBuffer } from './segment-buffer.js';

const cmd = (...args: string[]) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
const T = 1_700_000_000_000;

/** Appends `args` as the next command at time `ms`. */
function add(b: SegmentBuffer, ms: number, ...args: string[]) {
  const raw = cmd(...args);
  b.append(raw, args[0]!.toLowerCase(), b.offset + raw.length, ms);
}
const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('latin1');

describe('SegmentBuffer', () => {
  it('writes Redis AOF annotations when the second changes, and drops no-op commands', () => {
    const b = new SegmentBuffer({ ms: T, offset: 100 });
    add(b, T + 10, 'PING');
    add(b, T + 20, 'SELECT', '0');
    add(b, T + 900, 'SET', 'a', '1');
    add(b, T + 1_100, 'SET', 'b', '2');
    add(b, T + 1_200, 'REPLCONF', 'GETACK', '*');
    const s = b.take(T + 2_000);
    assert.equal(text(s.chunks), `#TS:1700000000\r\n${cmd('SELECT', '0')}${cmd('SET', 'a', '1')}#TS:1700000001\r\n${cmd('SET', 'b', '2')}`);
    assert.equal(s.startOffset, 100);
    assert.equal(s.endOffset, 100 + [cmd('PING'), cmd('SELECT', '0'), cmd('SET', 'a', '1'), cmd('SET', 'b', '2'), cmd('REPLCONF', 'GETACK', '*')]
      .reduce((n, c) => n + c.length, 0));
    assert.equal(s.commands, 3);
    assert.equal(s.bytes, Buffer.concat(s.chunks).length);
    // The next segment opens where this one closed, and annotates its first command again.
    assert.equal(b.startOffset, s.endOffset);
    add(b, T + 2_100, 'DEL', 'a');
    assert.equal(text(b.take(T + 3_000).chunks), `#TS:1700000002\r\n${cmd('DEL', 'a')}`);
  });

  it('never annotates or ends a segment inside MULTI…EXEC', () => {
    const b = new SegmentBuffer({ ms: T, offset: 0 });
    add(b, T + 999, 'MULTI');
    assert.equal(b.atBoundary, false);
    add(b, T + 1_001, 'INCR', 'n');
    add(b, T + 1_002, 'EXEC');
    assert.equal(b.atBoundary, true);
    assert.equal(text(b.take(T + 1_500).chunks), `#TS:1700000000\r\n${cmd('MULTI')}${cmd('INCR', 'n')}${cmd('EXEC')}`);
  });

  it('cuts at an earlier boundary, keeping the rest (annotated) as the next segment', () => {
    const b = new SegmentBuffer({ ms: T, offset: 0 });
    add(b, T + 100, 'SET', 'a', '1');
    b.markBoundaries(T + 200);
    add(b, T + 300, 'SET', 'b', '2');
    const cutAt = b.offset;
    add(b, T + 400, 'SET', 'c', '3');
    add(b, T + 1_400, 'SET', 'd', '4');
    assert.equal(b.takeUntil(cutAt + 1), undefined, 'not a boundary');
    const first = b.takeUntil(cutAt)!;
    assert.equal(first.endOffset, cutAt);
    assert.equal(first.endMs, T + 300);
    assert.equal(first.commands, 2);
    assert.equal(text(first.chunks), `#TS:1700000000\r\n${cmd('SET', 'a', '1')}${cmd('SET', 'b', '2')}`);
    assert.equal(b.startOffset, cutAt);
    assert.equal(b.openedAt, T + 300);
    assert.equal(b.commands, 2);
    const rest = b.take(T + 2_000);
    assert.equal(text(rest.chunks), `#TS:1700000000\r\n${cmd('SET', 'c', '3')}#TS:1700000001\r\n${cmd('SET', 'd', '4')}`);
  });

  it('cuts at the boundary where it began remembering (nothing recorded since)', () => {
    const b = new SegmentBuffer({ ms: T, offset: 0 });
    add(b, T + 100, 'SET', 'a', '1');
    const at = b.offset;
    b.markBoundaries(T + 200);
    add(b, T + 300, 'SET', 'b', '2');
    const first = b.takeUntil(at)!;
    assert.equal(first.endMs, T + 200);
    assert.equal(text(b.take(T + 400).chunks), `#TS:1700000000\r\n${cmd('SET', 'b', '2')}`);
  });

  it('refuses a command whose offset does not follow', () => {
    const b = new SegmentBuffer({ ms: T, offset: 10 });
    assert.throws(() => b.append(cmd('SET', 'a', '1'), 'set', 11, T), /offset/);
  });

  it('holds a value larger than a page', () => {
    const b = new SegmentBuffer({ ms: T, offset: 0 });
    const big = 'x'.repeat(3 << 20);
    add(b, T, 'SET', 'big', big);
    assert.equal(text(b.take(T + 1).chunks), `#TS:1700000000\r\n${cmd('SET', 'big', big)}`);
  });
});
