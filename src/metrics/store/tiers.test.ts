import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketStart, isValidPeriod, tiersForPeriod } from './tiers.js';

test('bucketStart aligns to the resolution', () => {
  assert.equal(bucketStart(125_500, 60), 120_000);
  assert.equal(bucketStart(125_500, 1), 125_000);
  assert.equal(bucketStart(3_599_999, 3600), 0);
});

test('tiersForPeriod: the tiers whose resolution divides the period', () => {
  assert.deepEqual(tiersForPeriod(10).map((t) => t.resolutionS), [1]);
  assert.deepEqual(tiersForPeriod(60).map((t) => t.resolutionS), [1, 60]);
  assert.deepEqual(tiersForPeriod(600).map((t) => t.resolutionS), [1, 60, 300]);
  assert.deepEqual(tiersForPeriod(86_400).map((t) => t.resolutionS), [1, 60, 300, 3600]);
});

test('isValidPeriod: CloudWatch periods', () => {
  for (const p of [1, 5, 10, 30, 60, 300, 3600]) assert.ok(isValidPeriod(p), String(p));
  for (const p of [0, 2, 45, 90, 1.5]) assert.ok(!isValidPeriod(p), String(p));
});
