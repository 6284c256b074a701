import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseName, SegmentName } from './names.js';
import { coverage, planRestore, PointInTimeNotCoveredError, type BaseEntry, type SegmentEntry } from './plan.js';
import { isTailEntry, withTail, type TailMark } from './tail.js';

const replid = 'c'.repeat(40);
const LINE = 'aaaaaaaaaaaa';
const T0 = 1_700_000_000_000;

const b1: BaseEntry = { key: 'base', name: { ms: T0, line: LINE, offset: 100, replid } satisfies BaseName, bytes: 1 };
function seg(startMs: number, endMs: number, startOffset: number, endOffset: number, line = LINE): SegmentEntry {
  const name: SegmentName = { startMs, endMs, line, startOffset, endOffset, replid };
  return { key: `seg-${startMs}`, name, bytes: 1 };
}
// Writes until T0+10 s, then a quiet shard: no segment after it yet (the idle flush is a minute).
const segs = [seg(T0, T0 + 10_000, 100, 200)];
const mark: TailMark = { line: LINE, offset: 200, fromMs: T0 + 10_000, ms: T0 + 35_000 };
const iso = (ms: number) => new Date(ms).toISOString();

describe('the archive tail mark', () => {
  it('extends a quiet archive to the mark: coverage, and a restore to a second in it replays the real segments whole', () => {
    assert.equal(iso(coverage([b1], segs)[0]!.to.getTime()), iso(T0 + 9_000), 'without it: to the last segment');
    const listed = withTail(segs, mark);
    assert.equal(listed.length, 2);
    assert.ok(isTailEntry(listed[1]!));
    assert.equal(iso(coverage([b1], listed)[0]!.to.getTime()), iso(T0 + 34_000), 'with it: to the mark');
    const p = planRestore([b1], listed, Math.floor((T0 + 30_000) / 1000));
    assert.deepEqual(p.segments.map((s) => s.key), ['seg-' + (T0), '']);
    assert.throws(() => planRestore([b1], listed, Math.floor((T0 + 36_000) / 1000)),
      (e: unknown) => e instanceof PointInTimeNotCoveredError && e.reason === 'after-archive');
  });

  it('is ignored once a real segment continues the one it names, or when it names none', () => {
    const later = [...segs, seg(T0 + 10_000, T0 + 70_000, 200, 230)]; // the idle flush came
    assert.deepEqual(withTail(later, mark), later);
    assert.equal(iso(coverage([b1], withTail(later, mark))[0]!.to.getTime()), iso(T0 + 69_000));
    assert.deepEqual(withTail(segs, { ...mark, offset: 150 }), segs, 'no segment ends at its offset');
    assert.deepEqual(withTail(segs, { ...mark, fromMs: T0 + 9_000 }), segs, 'nor at its time');
    assert.deepEqual(withTail(segs, { ...mark, line: 'bbbbbbbbbbbb' }), segs, 'another line');
    assert.deepEqual(withTail(segs, { ...mark, ms: mark.fromMs }), segs, 'reaching nowhere');
    assert.deepEqual(withTail(segs, undefined), segs);
  });
});
