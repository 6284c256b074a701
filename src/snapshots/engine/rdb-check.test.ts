import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summary } from './rdb-check.js';

describe('summary of a redis-check-rdb report', () => {
  it('is the finding after the error banner, with its additional info', () => {
    const report = [
      '[offset 0] Checking RDB file /dev/stdin',
      "[offset 27] AUX FIELD redis-ver = '7.0.15'",
      '--- RDB ERROR DETECTED ---',
      '[offset 158955] RDB CRC error',
      '[additional info] While doing: check-sum',
      '[info] 3060 keys read',
    ].join('\n');
    assert.equal(summary(report), '[offset 158955] RDB CRC error; While doing: check-sum');
  });

  it('is undefined for a report without an error', () => {
    assert.equal(summary('[offset 99] \\o/ RDB looks OK! \\o/\n[info] 1 keys read\n'), undefined);
  });
});
