import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PingSchedule } from './schedule.js';

test('an up node is pinged once per idle period, its first ping somewhere within the first period', () => {
  let t = 0;
  const s = new PingSchedule(1000, () => t);
  let first = -1;
  for (; t <= 1000; t += 100) if (s.due('n1', false)) { first = t; break; }
  assert.ok(first >= 0 && first <= 1000, `first ping at ${first}`);
  s.begin('n1');
  s.end('n1');
  t += 900;
  assert.equal(s.due('n1', false), false);
  t += 100;
  assert.equal(s.due('n1', false), true);
});

test('a suspected node is due at every tick, but never twice at once', () => {
  const s = new PingSchedule(1000, () => 0);
  assert.equal(s.due('n1', true), true);
  s.begin('n1');
  assert.equal(s.due('n1', true), false, 'a ping is in flight');
  s.end('n1');
  assert.equal(s.due('n1', true), true);
});

test('first pings of many nodes are spread over the idle period', () => {
  let t = 0;
  const s = new PingSchedule(1000, () => t);
  const keys = Array.from({ length: 1000 }, (_, i) => `cluster-${i}-0001`);
  const perTick: number[] = [];
  const pinged = new Set<string>();
  for (; t < 1000; t += 100) {
    const due = keys.filter((k) => s.due(k, false));
    for (const k of due) { s.begin(k); s.end(k); pinged.add(k); }
    perTick.push(due.length);
  }
  t = 1000;
  for (const k of keys) if (s.due(k, false) && !pinged.has(k)) pinged.add(k);
  assert.equal(pinged.size, 1000, 'every node pinged within one idle period');
  assert.ok(Math.max(...perTick) < 200, `at most ${Math.max(...perTick)} pings in one tick`);
});
