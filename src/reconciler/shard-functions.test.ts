import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterNode, SlotRange } from '../engine/cluster-nodes.js';
import { libraryDiff } from '../engine/functions.js';
import { functionSyncMode, functionSyncPlan, functionSyncStep, librariesSignature } from './shard-functions.js';

const node = (id: string, slots: SlotRange[], role: ClusterNode['role'] = 'primary') => ({ id, role, slots } as ClusterNode);
const ids = new Map([['g-0001-001', 'n1'], ['g-0001-002', 'r1'], ['g-0002-001', 'n2'], ['g-0003-001', 'n3']]);
const shard = (n: number, slots: string) => ({ primaryClusterId: `g-000${n}-001`, slots });

test('a shard given slots by a reshard, whose primary owns none yet, is a target about to gain slots', () => {
  const view = [node('n1', [[0, 16383]]), node('r1', [], 'replica'), node('n2', [])];
  assert.deepEqual(functionSyncPlan([shard(1, '0-8191'), shard(2, '8192-16383')], view, ids),
    { source: 'g-0001-001', targets: [{ clusterId: 'g-0002-001', gaining: true }] });
});

test('once it owns some of its slots, the shard is still a target, gaining until it owns them all, then at rest', () => {
  const shards = [shard(1, '0-8191'), shard(2, '8192-16383')];
  assert.deepEqual(functionSyncPlan(shards, [node('n1', [[0, 9000]]), node('n2', [[9001, 9001]])], ids)!.targets,
    [{ clusterId: 'g-0002-001', gaining: true }]);
  assert.deepEqual(functionSyncPlan(shards, [node('n1', [[0, 8191]]), node('n2', [[8192, 10000], [10001, 16383]])], ids)!.targets,
    [{ clusterId: 'g-0002-001', gaining: false }]);
});

test('a new cluster (no primary owns a slot) or a single shard: nothing to compare; a shard being removed is a target at rest', () => {
  assert.equal(functionSyncPlan([shard(1, '0-8191'), shard(2, '8192-16383')], [node('n1', []), node('n2', [])], ids), undefined);
  assert.equal(functionSyncPlan([shard(1, '0-16383')], [node('n1', [[0, 16383]])], ids), undefined);
  const view = [node('n1', [[0, 16383]]), node('n2', [])];
  assert.deepEqual(functionSyncPlan([shard(1, '0-16383'), shard(2, '')], view, ids)!.targets, [{ clusterId: 'g-0002-001', gaining: false }]);
});

test('several new shards at once: each is a target, the source is the first shard with slots', () => {
  const view = [node('n1', []), node('n2', [[0, 16383]]), node('n3', [])];
  assert.deepEqual(functionSyncPlan([shard(1, '0-5000'), shard(2, '5001-10000'), shard(3, '10001-16383')], view, ids),
    { source: 'g-0002-001', targets: [{ clusterId: 'g-0001-001', gaining: true }, { clusterId: 'g-0003-001', gaining: true }] });
});

test("a serverless cache's backing group mirrors the reference exactly; a provisioned group only adds", () => {
  assert.equal(functionSyncMode('serverless--cache1'), 'exact');
  assert.equal(functionSyncMode('orders'), 'add');
});

const lib = (name: string, v = 1) => `#!lua name=${name}\nredis.register_function('${name}_f', function() return ${v} end)`;

test('a shard about to gain slots is brought to the reference at once', () => {
  const wanted = new Map([['a', lib('a')]]);
  const held = new Map<string, string>();
  assert.deepEqual(functionSyncStep('exact', libraryDiff(wanted, held), true, librariesSignature(wanted, held), undefined), { kind: 'apply' });
});

test('a primary serving its slots is brought to the reference only when the same difference is seen on two passes', () => {
  const wanted = new Map([['a', lib('a')]]);
  const held = new Map<string, string>();
  const sig = librariesSignature(wanted, held);
  const first = functionSyncStep('exact', libraryDiff(wanted, held), false, sig, undefined);
  assert.deepEqual(first, { kind: 'suspect', signature: sig });
  assert.deepEqual(functionSyncStep('exact', libraryDiff(wanted, held), false, sig, sig), { kind: 'apply' });
  // A fan-out caught half-way: the next pass sees another difference (or none), so nothing is done.
  const moved = new Map([['a', lib('a', 2)]]);
  const sig2 = librariesSignature(moved, held);
  assert.notEqual(sig2, sig);
  assert.equal(functionSyncStep('exact', libraryDiff(moved, held), false, sig2, sig).kind, 'suspect');
  assert.deepEqual(functionSyncStep('exact', libraryDiff(wanted, wanted), false, librariesSignature(wanted, wanted), sig), { kind: 'alike' });
});

test("only 'exact' acts on libraries the target holds and the reference does not", () => {
  const wanted = new Map([['a', lib('a')]]);
  const held = new Map([['a', lib('a')], ['own', lib('own')]]);
  const sig = librariesSignature(wanted, held);
  assert.deepEqual(functionSyncStep('add', libraryDiff(wanted, held), true, sig, sig), { kind: 'alike' });
  assert.deepEqual(functionSyncStep('exact', libraryDiff(wanted, held), true, sig, undefined), { kind: 'apply' });
});

test('the signature tells libraries apart by name and code, not by the order they were listed in', () => {
  const a = new Map([['x', '1'], ['y', '2']]);
  const b = new Map([['y', '2'], ['x', '1']]);
  assert.equal(librariesSignature(a, new Map()), librariesSignature(b, new Map()));
  assert.notEqual(librariesSignature(a, new Map()), librariesSignature(new Map(), a));
  assert.notEqual(librariesSignature(new Map([['x', '12']]), new Map()), librariesSignature(new Map([['x1', '2']]), new Map()));
});
