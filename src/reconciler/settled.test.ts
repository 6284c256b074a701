import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SettledClusters } from './settled.js';

function rig(intervalMs = 10_000) {
  let t = 0;
  const s = new SettledClusters(intervalMs, () => t, () => 0.5);
  return { s, advance: (ms: number) => { t += ms; } };
}

test('a settled cluster is skipped while nothing it depends on changes, and observed again after the period', () => {
  const { s, advance } = rig();
  const fp = s.fingerprint([3, 'up']);
  assert.equal(s.check('c1', fp) === 'skip', false, 'never reconciled yet');
  s.reconciled('c1', fp, true);
  assert.equal(s.check('c1', fp) === 'skip', true);
  advance(9_999);
  assert.equal(s.check('c1', s.fingerprint([3, 'up'])) === 'skip', true);
  advance(1);
  assert.equal(s.check('c1', fp), 'periodic', 'full observation due');
  assert.equal(s.check('c1', s.fingerprint([4, 'up'])), 'changed');
});

test('a changed record, node health or other kind of record means a full reconcile', () => {
  const { s } = rig();
  const fp = s.fingerprint([3, 'up']);
  s.reconciled('c1', fp, true);
  assert.equal(s.check('c1', s.fingerprint([4, 'up'])) === 'skip', false, 'record version');
  assert.equal(s.check('c1', s.fingerprint([3, 'down'])) === 'skip', false, 'node health');
  s.committed(['cacheCluster', 'tags']);
  assert.equal(s.check('c1', s.fingerprint([3, 'up'])) === 'skip', true, 'fingerprinted kinds go by version');
  s.committed(['userGroup']);
  assert.equal(s.check('c1', s.fingerprint([3, 'up'])) === 'skip', false, 'a user group changed');
});

test('a cluster left converging is never skipped; a period of 0 never skips', () => {
  const { s } = rig();
  const fp = s.fingerprint([1]);
  s.reconciled('c1', fp, false);
  assert.equal(s.check('c1', fp) === 'skip', false);
  const off = rig(0).s;
  off.reconciled('c1', off.fingerprint([1]), true);
  assert.equal(off.check('c1', off.fingerprint([1])) === 'skip', false);
});
