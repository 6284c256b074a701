import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCoverage, intersectCoverage, requireCovered } from './coverage.js';
import { PointInTimeNotCoveredError } from './plan.js';

const w = (from: number, to: number) => ({ from: new Date(from * 1000), to: new Date(to * 1000) });

describe('coverage of several shards', () => {
  it('keeps only the seconds every shard covers', () => {
    const a = [w(100, 200), w(300, 400)];
    const b = [w(150, 350)];
    assert.deepEqual(intersectCoverage([a, b]), [w(150, 200), w(300, 350)]);
    assert.deepEqual(intersectCoverage([a]), a);
    assert.deepEqual(intersectCoverage([a, []]), []);
    assert.deepEqual(intersectCoverage([]), []);
    assert.deepEqual(intersectCoverage([[w(100, 200)], [w(200, 300)]]), [w(200, 200)]);
  });

  it('refuses a second outside, its message listing the stretches', () => {
    const windows = [w(100, 200), w(300, 400)];
    requireCovered(windows, 100);
    requireCovered(windows, 400);
    assert.throws(() => requireCovered(windows, 250), (e: unknown) =>
      e instanceof PointInTimeNotCoveredError && e.reason === 'gap' && e.message.includes(describeCoverage(windows)));
    assert.throws(() => requireCovered(windows, 401), (e: unknown) => e instanceof PointInTimeNotCoveredError && e.reason === 'after-archive');
    assert.throws(() => requireCovered([], 401), (e: unknown) => e instanceof PointInTimeNotCoveredError && e.reason === 'empty');
    assert.equal(describeCoverage([w(0, 1)]), '1970-01-01T00:00:00Z to 1970-01-01T00:00:01Z');
  });
});
