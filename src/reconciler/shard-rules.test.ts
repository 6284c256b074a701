/**
 * shardRepair: what the sharded controller does with a shard whose primary on record answers as
 * a replica — follow the member Redis Cluster promoted, or promote the primary on record again
 * when every member is a replica — and when it must do nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeShard, type FakeNode } from '../failover/fake-shard.js';
import type { CacheClusterRecord, ShardRecord } from '../store/index.js';
import { shardRepair } from './shard-rules.js';

const shard: ShardRecord = { primaryClusterId: 'a', memberClusters: ['a', 'b', 'c'] };
const answering = (c: CacheClusterRecord) => c.nodes[0]?.observed?.lastError === undefined;

function members(nodes: Record<string, Partial<FakeNode>>): Map<string, CacheClusterRecord> {
  const fake = new FakeShard({ a: {}, b: {}, c: {} });
  for (const [id, n] of Object.entries(nodes)) Object.assign(fake.node(id), n);
  return fake.records('g');
}

describe('shardRepair', () => {
  it('nothing while the primary on record serves as one, or is down (a failover\'s case), or a failover is under way', () => {
    assert.equal(shardRepair(shard, 'node group 0001', members({}), answering), undefined);
    assert.equal(shardRepair(shard, 'node group 0001', members({ a: { down: true } }), answering), undefined);
    const looped = members({ a: { role: 'replica', following: 'b' }, b: { following: 'a' } });
    assert.equal(shardRepair({ ...shard, failover: { state: 'promote', fromClusterId: 'a', toClusterId: 'b', reason: 'primary-down', startedAt: '' } }, 'x', looped, answering), undefined);
  });

  it('another member answers as primary: the record follows it', () => {
    const r = shardRepair(shard, 'node group 0001', members({ a: { role: 'replica', following: 'b' }, b: { role: 'primary', following: undefined } }), answering);
    assert.deepEqual({ ...r, message: undefined }, { reason: 'engine-promoted', from: 'a', to: 'b', message: undefined });
    assert.match(r!.message, /^b answers as the primary of node group 0001, not a/);
  });

  it('every member a replica (two following each other): the primary on record is promoted again', () => {
    const r = shardRepair(shard, 'node group 0001', members({ a: { role: 'replica', following: 'b' }, b: { following: 'a' } }), answering);
    assert.deepEqual({ ...r, message: undefined }, { reason: 'no-primary', from: 'a', to: 'a', message: undefined });
    assert.match(r!.message, /^Node group 0001 has no primary/);
  });

  it('a member out of reach could be the primary the others follow: nothing is promoted', () => {
    const r = shardRepair(shard, 'node group 0001', members({ a: { role: 'replica', following: 'c' }, c: { role: 'primary', following: undefined, down: true } }), answering);
    assert.equal(r, undefined);
  });
});
