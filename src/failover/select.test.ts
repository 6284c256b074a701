import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCandidates, selectReplica, type Candidate } from './select.js';

const c = (clusterId: string, priority: number, offset: number, healthy = true): Candidate => ({ clusterId, priority, offset, healthy });

test('priority first, then the highest offset, then the id', () => {
  assert.equal(selectReplica([c('b', 100, 10), c('a', 100, 10), c('c', 100, 20)])?.clusterId, 'c');
  assert.equal(selectReplica([c('b', 100, 10), c('a', 100, 10)])?.clusterId, 'a');
  assert.equal(selectReplica([c('x', 100, 999), c('y', 50, 1)])?.clusterId, 'y');
});

test('unhealthy replicas and priority 0 are never chosen', () => {
  assert.equal(selectReplica([c('a', 0, 100), c('b', 100, 1, false)]), undefined);
  assert.equal(selectReplica([c('a', 0, 100), c('b', 100, 1)])?.clusterId, 'b');
  assert.equal(selectReplica([]), undefined);
});

test('the comparator is a total order (antisymmetric)', () => {
  const xs = [c('a', 100, 5), c('b', 100, 5), c('c', 10, 1), c('d', 100, 7)];
  for (const x of xs) for (const y of xs) {
    assert.ok(Math.sign(compareCandidates(x, y)) === -Math.sign(compareCandidates(y, x)));
  }
});
