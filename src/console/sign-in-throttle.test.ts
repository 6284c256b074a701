import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignInThrottle } from './sign-in-throttle.js';

test('an address is refused after maxFailures failures in the window, and may try again as they age out', () => {
  let now = 0;
  const t = new SignInThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(t.retryAfterSeconds('10.0.0.1'), 0);
    t.recordFailure('10.0.0.1');
    now += 1000;
  }
  assert.equal(t.retryAfterSeconds('10.0.0.1'), 57, 'until the oldest failure (t=0) is a minute old');
  assert.equal(t.retryAfterSeconds('10.0.0.2'), 0, 'other addresses are not affected');
  now = 60_001;
  assert.equal(t.retryAfterSeconds('10.0.0.1'), 0);
});
