import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseKey, daysBetween, parseBaseKey, parseSegmentKey, segmentKey, type SegmentName } from './names.js';

const replid = 'a'.repeat(40);
const line = '0123456789ab';

describe('archive key names', () => {
  it('round-trip bases and segments, with segments in their start day', () => {
    const b = { ms: 1_700_000_000_123, line, offset: 987_654_321, replid };
    const bk = baseKey('pitr/g/0001/', b);
    assert.equal(bk, `pitr/g/0001/bases/1700000000123-${line}-00000000000987654321-${replid}`);
    assert.deepEqual(parseBaseKey(bk), b);
    const s: SegmentName = { startMs: 1_700_000_000_123, endMs: 1_700_000_010_000, line, startOffset: 5, endOffset: 900, replid };
    const sk = segmentKey('p/', s);
    assert.ok(sk.startsWith('p/segments/2023-11-14/1700000000123-1700000010000-'), sk);
    assert.deepEqual(parseSegmentKey(sk), s);
  });

  it('sort by time as S3 lists them (byte order)', () => {
    const keys = [1_000, 999, 1_700_000_000_000, 10_000].map((ms) => baseKey('', { ms, line, offset: 0, replid }));
    const sorted = [...keys].sort();
    assert.deepEqual(sorted.map((k) => parseBaseKey(k)!.ms), [999, 1_000, 10_000, 1_700_000_000_000]);
  });

  it('ignore foreign objects and refuse malformed parts', () => {
    assert.equal(parseBaseKey('p/bases/readme.txt'), undefined);
    assert.equal(parseSegmentKey('p/segments/2023-11-14/.tmp-1'), undefined);
    assert.throws(() => baseKey('', { ms: 1, line: 'XYZ', offset: 0, replid }), /line id/);
    assert.throws(() => baseKey('', { ms: -1, line, offset: 0, replid }), RangeError);
    assert.throws(() => segmentKey('', { startMs: 5, endMs: 4, line, startOffset: 0, endOffset: 0, replid }), /ends before/);
  });

  it('lists the days between two times, both ends included', () => {
    const day = 86_400_000;
    assert.deepEqual(daysBetween(0, 0), ['1970-01-01']);
    assert.deepEqual(daysBetween(day - 1, day), ['1970-01-01', '1970-01-02']);
    assert.deepEqual(daysBetween(day / 2, 2 * day + 5), ['1970-01-01', '1970-01-02', '1970-01-03']);
  });
});
