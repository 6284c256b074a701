import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUCKET_RATIO, bucketValue, percentile } from './distribution.js';

test('bucketValue is within the bucket ratio of the value and idempotent', () => {
  for (const v of [0.0001, 0.5, 1, 3, 99.9, 12345, 7e9]) {
    const b = bucketValue(v);
    assert.ok(Math.abs(b - v) / v <= BUCKET_RATIO - 1, `${v} → ${b}`);
    assert.equal(bucketValue(b), b);
  }
  assert.equal(bucketValue(0), 0);
});

test('percentile: nearest rank over weights', () => {
  const values = Array.from({ length: 100 }, (_, i) => ({ value: i + 1, count: 1 }));
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([{ value: 5, count: 9 }, { value: 100, count: 1 }], 90), 5);
  assert.equal(percentile([{ value: 5, count: 9 }, { value: 100, count: 1 }], 91), 100);
  assert.equal(percentile([], 50), undefined);
});
