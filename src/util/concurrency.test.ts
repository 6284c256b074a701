import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachLimit } from './concurrency.js';

test('forEachLimit runs every item, never more than the limit at once, starting in order', async () => {
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
    started.push(i);
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, i % 3));
    inFlight--;
  });
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(peak, 3);
});

test('forEachLimit with no items resolves', async () => {
  await forEachLimit([], 4, async () => assert.fail('not called'));
});
