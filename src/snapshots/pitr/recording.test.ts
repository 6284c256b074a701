import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recording, type RecordedSegment } from './recording.js';

const cmd = (...args: string[]) => Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
const T = 1_700_000_000_000;
const limits = { flushIntervalMs: 1_000, idleFlushIntervalMs: 5_000, maxSegmentBytes: 200 };

function recording() {
  const out: RecordedSegment[] = [];
  const missed: number[] = [];
  const r = new Recording('aaaaaaaaaaaa', 'e'.repeat(40), { ms: T, offset: 0 }, limits, (s) => out.push(s), (o) => missed.push(o));
  const add = (ms: number, ...args: string[]) => {
    const raw = cmd(...args);
    r.onCommand(raw, args[0]!.toLowerCase(), r.offset + raw.length, ms);
  };
  return { r, out, missed, add };
}

describe('Recording', () => {
  it('closes a segment holding writes after the flush interval, an idle one after the idle interval', () => {
    const { r, out, add } = recording();
    add(T + 10, 'SET', 'a', '1');
    r.tick(T + 999);
    assert.equal(out.length, 0);
    r.tick(T + 1_000);
    assert.equal(out.length, 1);
    assert.deepEqual([out[0]!.startMs, out[0]!.endMs, out[0]!.commands], [T, T + 1_000, 1]);
    add(T + 2_000, 'PING'); // no write
    r.tick(T + 4_000);
    assert.equal(out.length, 1);
    r.tick(T + 6_000);
    assert.equal(out.length, 2);
    assert.equal(out[1]!.commands, 0);
    assert.equal(out[1]!.endOffset, out[1]!.startOffset + cmd('PING').length);
  });

  it('closes at the size limit, but never inside MULTI…EXEC', () => {
    const { out, add } = recording();
    add(T, 'MULTI');
    for (let i = 0; i < 10; i++) add(T, 'SET', `k${i}`, 'v'.repeat(20));
    assert.equal(out.length, 0);
    add(T, 'EXEC');
    assert.equal(out.length, 1, 'closed right after the block');
    assert.ok(Buffer.concat(out[0]!.chunks).toString().endsWith(cmd('EXEC').toString()));
    assert.equal(out[0]!.commands, 12);
  });

  it('holds the segment while a base is requested, then cuts exactly at its offset', () => {
    const { r, out, add } = recording();
    add(T, 'SET', 'a', '1');
    r.beginCut(T + 100);
    add(T + 200, 'SET', 'b', '2');
    const base = r.offset;
    add(T + 300, 'SET', 'c', '3');
    r.tick(T + 5_000);
    assert.equal(out.length, 0, 'held while the base offset is unknown');
    assert.equal(r.cutAt(base, T + 400), 'cut');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.endOffset, base);
    r.finish(T + 500);
    assert.equal(out[1]!.startOffset, base);
    assert.equal(out[1]!.commands, 1);
  });

  it('cuts when the stream reaches a base offset not recorded yet; reports one it jumps over', () => {
    const { r, out, missed, add } = recording();
    r.beginCut(T);
    const target = cmd('SET', 'a', '1').length;
    assert.equal(r.cutAt(target, T + 1), 'pending');
    add(T + 2, 'SET', 'a', '1');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.endOffset, target);
    r.beginCut(T + 3);
    assert.equal(r.cutAt(r.offset + 3, T + 4), 'pending');
    add(T + 5, 'SET', 'b', '2');
    assert.deepEqual(missed, [target + 3]);
    assert.equal(r.cutAt(1, T + 6), 'missed');
  });
});
