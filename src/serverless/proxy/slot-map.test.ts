import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlotMap, type ClusterSlotsEntry } from './slot-map.js';

const reply: ClusterSlotsEntry[] = [
  [0, 5460, ['10.0.0.1', 6379, 'a'], ['10.0.0.4', 6379, 'd']],
  [5461, 10922, ['10.0.0.2', 6379, 'b']],
  [10923, 16383, ['10.0.0.3', 6379, 'c'], ['10.0.0.5', 6379, 'e']],
  [100, 100, ['10.0.0.9', 6379, 'x'], ['', 0, 'broken']],
];

describe('SlotMap', () => {
  it('maps each slot to its shard, later ranges winning', () => {
    const m = SlotMap.fromClusterSlots(reply);
    assert.equal(m.shardOf(0)!.primary.host, '10.0.0.1');
    assert.deepEqual(m.shardOf(5460)!.replicas, [{ host: '10.0.0.4', port: 6379 }]);
    assert.equal(m.shardOf(5461)!.primary.host, '10.0.0.2');
    assert.equal(m.shardOf(16383)!.primary.host, '10.0.0.3');
    assert.equal(m.shardOf(100)!.primary.host, '10.0.0.9');
    assert.deepEqual(m.shardOf(100)!.replicas, [], 'an address-less node is skipped');
    assert.equal(m.uncovered, 0);
    assert.deepEqual(m.shardSlots(), [0, 5461, 10923, 100]);
  });

  it('counts uncovered slots, and its signature follows changes', () => {
    const partial = SlotMap.fromClusterSlots(reply.slice(0, 2));
    assert.equal(partial.uncovered, 16384 - 10923);
    assert.equal(partial.shardOf(12000), undefined);
    assert.notEqual(partial.signature(), SlotMap.fromClusterSlots(reply).signature());
    assert.equal(SlotMap.fromClusterSlots(reply).signature(), SlotMap.fromClusterSlots(reply).signature());
  });
});
