import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseName, SegmentName } from './names.js';
import { coverage, planRestore, PointInTimeNotCoveredError, type BaseEntry, type SegmentEntry } from './plan.js';

const replid = 'b'.repeat(40);
const T0 = 1_700_000_000_000; // a whole second

function base(ms: number, offset: number, line = 'aaaaaaaaaaaa'): BaseEntry {
  const name: BaseName = { ms, line, offset, replid };
  return { key: `base-${line}-${ms}`, name, bytes: 1 };
}
function seg(startMs: number, endMs: number, startOffset: number, endOffset: number, line = 'aaaaaaaaaaaa'): SegmentEntry {
  const name: SegmentName = { startMs, endMs, line, startOffset, endOffset, replid };
  return { key: `seg-${line}-${startMs}-${startOffset}`, name, bytes: 1 };
}
const sec = (ms: number) => Math.floor(ms / 1000);
const keys = (l: SegmentEntry[]) => l.map((s) => s.key);

describe('planRestore', () => {
  // A line: base at offset 100 (T0), segments every 10 s; an idle one (same offsets); a break at T0+40..45 s.
  const b1 = base(T0, 100);
  const segs = [
    seg(T0, T0 + 10_000, 100, 200),
    seg(T0 + 10_000, T0 + 20_000, 200, 200), // idle: no bytes
    seg(T0 + 20_000, T0 + 30_000, 200, 350),
    seg(T0 + 30_000, T0 + 40_000, 350, 400),
    seg(T0 + 45_000, T0 + 50_000, 400, 480), // resumed after a break
  ];

  it('chains the base to the segment holding the end of the target second', () => {
    const p = planRestore([b1], segs, sec(T0 + 25_000));
    assert.equal(p.base, b1);
    assert.deepEqual(keys(p.segments), keys(segs.slice(0, 3)));
    // The end of second T0+9 is in the first segment; the end of second T0+9.999 → T0+10 s is its end.
    assert.deepEqual(keys(planRestore([b1], segs, sec(T0 + 9_000)).segments), keys(segs.slice(0, 1)));
    assert.deepEqual(keys(planRestore([b1], segs, sec(T0)).segments), keys(segs.slice(0, 1)));
  });

  it('crosses a break once the target is past it, and refuses a target inside it', () => {
    assert.equal(planRestore([b1], segs, sec(T0 + 46_000)).segments.length, 5);
    assert.throws(() => planRestore([b1], segs, sec(T0 + 42_000)), (err: unknown) => {
      assert.ok(err instanceof PointInTimeNotCoveredError);
      assert.equal(err.reason, 'gap');
      assert.match(err.message, /gap there .*restorable times: 2023-11-14T22:13:20Z to 2023-11-14T22:13:59Z, 2023-11-14T22:14:05Z to/);
      return true;
    });
  });

  it('refuses a target before the archive and one after it, naming what is covered', () => {
    assert.throws(() => planRestore([b1], segs, sec(T0 - 5_000)), (err: PointInTimeNotCoveredError) =>
      err.reason === 'before-archive' && /earliest restorable time 2023-11-14T22:13:20Z/.test(err.message));
    assert.throws(() => planRestore([b1], segs, sec(T0 + 50_000)), (err: PointInTimeNotCoveredError) =>
      err.reason === 'after-archive' && /reaches only to 2023-11-14T22:14:09Z/.test(err.message));
    assert.throws(() => planRestore([], [], sec(T0)), (err: PointInTimeNotCoveredError) => err.reason === 'empty');
  });

  it('starts from the newest base whose recording reached it before the target', () => {
    // A second base cut at offset 350 (requested at T0+29.5 s, the stream reached it at T0+30 s).
    const b2 = base(T0 + 29_500, 350);
    const p = planRestore([b1, b2], segs, sec(T0 + 35_000));
    assert.equal(p.base, b2);
    assert.deepEqual(keys(p.segments), keys(segs.slice(3, 4)));
    // Target second T0+29: b2's state starts at T0+30 s, too late: b1 and its chain instead.
    const q = planRestore([b1, b2], segs, sec(T0 + 29_000));
    assert.equal(q.base, b1);
  });

  it('ignores a base whose line has no segment at its offset, and other lines', () => {
    const orphan = base(T0 + 5_000, 150); // never cut: no segment starts at 150
    const other = [seg(T0 + 1_000, T0 + 60_000, 0, 10, 'cccccccccccc')];
    const p = planRestore([b1, orphan], [...segs, ...other], sec(T0 + 15_000));
    assert.equal(p.base, b1);
  });

  it('reports coverage as merged stretches of restorable seconds', () => {
    const c = coverage([b1], segs);
    assert.deepEqual(c.map((w) => [sec(w.from.getTime()) - sec(T0), sec(w.to.getTime()) - sec(T0)]), [[0, 39], [45, 49]]);
    assert.deepEqual(coverage([], segs), []);
  });
});
