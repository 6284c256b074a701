import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, type MathValue, type Series } from './evaluate.js';
import { ExpressionError, parseExpression } from './parse.js';

const a: Series = { label: 'a', timestamps: [0, 60_000, 120_000], values: [1, 2, 4] };
const b: Series = { label: 'b', timestamps: [0, 120_000], values: [10, 20] };
const cx = { lookup: (id: string): MathValue => ({ kind: 'series', series: id === 'a' ? a : b }), metrics: () => [a, b], grid: [0, 60_000, 120_000], periodS: 60 };
const ev = (s: string) => evaluate(parseExpression(s), cx);
const values = (v: MathValue) => (v.kind === 'series' ? v.series.values : v.kind === 'scalar' ? v.value : v.items.map((s) => s.values));

describe('metric math', () => {
  it('arithmetic joins on common timestamps and respects precedence', () => {
    assert.deepEqual(values(ev('a + b * 2')), [21, 44]);
    assert.deepEqual(values(ev('-a ^ 2')), [-1, -4, -16]);
    assert.deepEqual(values(ev('(a + 1) / 2')), [1, 1.5, 2.5]);
  });
  it('SUM/AVG/MIN/MAX of arrays per timestamp, of a series to a scalar', () => {
    assert.deepEqual(values(ev('SUM([a, b])')), [11, 2, 24]);
    assert.deepEqual(values(ev('MAX(METRICS())')), [10, 2, 20]);
    assert.equal(values(ev('AVG(a)')), 7 / 3);
  });
  it('RATE, FILL and IF', () => {
    assert.deepEqual(values(ev('RATE(a)')), [1 / 60, 2 / 60]);
    assert.deepEqual(values(ev('FILL(b, 0)')), [10, 0, 20]);
    assert.deepEqual(values(ev('FILL(b, LINEAR)')), [10, 15, 20]);
    assert.deepEqual(values(ev('IF(a > 1, a, 0)')), [0, 2, 4]);
    assert.deepEqual(values(ev('IF(a >= 2 AND a < 4, 1)')), [1]);
  });
  it('refuses what it does not compute, by name', () => {
    assert.throws(() => ev('ANOMALY_DETECTION_BAND(a)'), (e) => e instanceof ExpressionError && /ANOMALY_DETECTION_BAND is not supported/.test(e.message));
    assert.throws(() => parseExpression('a +'), ExpressionError);
  });
});
