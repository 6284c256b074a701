import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everyNodeInSlots } from './cluster-formation.js';

const reply = [
  [0, 8191, ['127.0.0.2', 6379, 'p1', []], ['127.0.0.3', 6379, 'r1', []]],
  [8192, 16383, ['127.0.0.4', 6379, 'p2', []]],
];

test('CLUSTER SLOTS naming every member: discovery is complete', () => {
  assert.equal(everyNodeInSlots(reply, ['p1', 'r1', 'p2']), true);
});

test('a replica not yet named in CLUSTER SLOTS (offset not gossiped): not complete', () => {
  assert.equal(everyNodeInSlots(reply, ['p1', 'r1', 'p2', 'r2']), false);
  assert.equal(everyNodeInSlots([], ['p1']), false);
  assert.equal(everyNodeInSlots('garbage', []), true);
});
