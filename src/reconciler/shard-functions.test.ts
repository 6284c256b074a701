import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterNode, SlotRange } from '../engine/cluster-nodes.js';
import { functionCopyPlan } from './shard-functions.js';

const node = (id: string, slots: SlotRange[], role: ClusterNode['role'] = 'primary') => ({ id, role, slots } as ClusterNode);
const ids = new Map([['g-0001-001', 'n1'], ['g-0001-002', 'r1'], ['g-0002-001', 'n2'], ['g-0003-001', 'n3']]);
const shard = (n: number, slots: string) => ({ primaryClusterId: `g-000${n}-001`, slots });

test('a shard given slots by a reshard, whose primary owns none yet, gets the libraries of one that has slots', () => {
  const view = [node('n1', [[0, 16383]]), node('r1', [], 'replica'), node('n2', [])];
  assert.deepEqual(functionCopyPlan([shard(1, '0-8191'), shard(2, '8192-16383')], view, ids), { source: 'g-0001-001', targets: ['g-0002-001'] });
});

test('once it owns a slot, the shard is no longer a target (a pass that ran already is not repeated)', () => {
  const view = [node('n1', [[0, 9000]]), node('n2', [[9001, 9001]])];
  assert.equal(functionCopyPlan([shard(1, '0-8191'), shard(2, '8192-16383')], view, ids), undefined);
});

test('a new cluster (no primary owns a slot) and a shard being removed (no slots in the record): nothing to copy', () => {
  assert.equal(functionCopyPlan([shard(1, '0-8191'), shard(2, '8192-16383')], [node('n1', []), node('n2', [])], ids), undefined);
  const view = [node('n1', [[0, 16383]]), node('n2', [])];
  assert.equal(functionCopyPlan([shard(1, '0-16383'), shard(2, '')], view, ids), undefined);
});

test('several new shards at once: each is a target, the source is the first shard with slots', () => {
  const view = [node('n1', []), node('n2', [[0, 16383]]), node('n3', [])];
  assert.deepEqual(functionCopyPlan([shard(1, '0-5000'), shard(2, '5001-10000'), shard(3, '10001-16383')], view, ids),
    { source: 'g-0002-001', targets: ['g-0001-001', 'g-0003-001'] });
});
