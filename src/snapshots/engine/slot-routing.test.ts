import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evenSlotRanges } from '../../engine/slot-plan.js';
import type { TargetShard } from '../types.js';
import { planRouting } from './slot-routing.js';

const primary = (port: number) => ({ address: '127.0.0.1', port });
const cluster = (n: number): TargetShard[] => evenSlotRanges(n).map((slots, i) => ({ primary: primary(7000 + i), slots }));

describe('planRouting', () => {
  it('a cluster-mode-disabled target takes every key', () => {
    const r = planRouting([{ primary: primary(7000) }]);
    assert.equal(r.mode, 'single');
    assert.equal(r.shardOf(Buffer.from('anything')), 0);
    assert.deepEqual(r.share, [1]);
  });

  it('routes by hash slot, hash tags included (slots as CLUSTER KEYSLOT gives them)', () => {
    const r = planRouting(cluster(3)); // 0-5460, 5461-10922, 10923-16383
    assert.equal(r.mode, 'cluster');
    // CLUSTER KEYSLOT foo = 12182, bar = 5061, {user1000}.following = {user1000}.followers = 3443.
    assert.equal(r.shardOf(Buffer.from('foo')), 2);
    assert.equal(r.shardOf(Buffer.from('bar')), 0);
    assert.equal(r.shardOf(Buffer.from('{user1000}.following')), r.shardOf(Buffer.from('{user1000}.followers')));
    // Binary keys are hashed as bytes.
    assert.ok(r.shardOf(Buffer.from([0xff, 0x00, 0x80])) >= 0);
    assert.ok(Math.abs(r.share.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  });

  it('a 1-shard cluster keeps cluster rules (slots given)', () => {
    assert.equal(planRouting([{ primary: primary(7000), slots: [[0, 16383]] }]).mode, 'cluster');
  });

  it('refuses layouts that lose or double a slot', () => {
    assert.throws(() => planRouting([]), /at least one/);
    assert.throws(() => planRouting([{ primary: primary(1), slots: [[0, 100]] }]), /slot 101 is owned by no target shard/);
    assert.throws(() => planRouting([{ primary: primary(1), slots: [[0, 9000]] }, { primary: primary(2), slots: [[9000, 16383]] }]),
      /slot 9000 is given to target shards 1 and 2/);
    assert.throws(() => planRouting([{ primary: primary(1), slots: [[0, 16384]] }]), /invalid slot range/);
    assert.throws(() => planRouting([{ primary: primary(1), slots: [[0, 16383]] }, { primary: primary(2) }]), /has no slots/);
  });
});
