import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LivenessCache, pidExists } from './liveness.js';

function rig() {
  let t = 0;
  const live = new Set<number>();
  const cache = new LivenessCache(30_000, () => t, (pid) => live.has(pid));
  return { cache, live, advance: (ms: number) => { t += ms; } };
}

test('a verified pid is trusted while it exists, then must be verified again', () => {
  const { cache, live, advance } = rig();
  assert.equal(cache.fresh('n1'), undefined);
  assert.equal(cache.alive('n1'), undefined, 'no process known');
  live.add(42);
  cache.set('n1', 42);
  assert.equal(cache.fresh('n1'), 42);
  assert.equal(cache.alive('n1'), true);
  advance(30_000);
  assert.equal(cache.fresh('n1'), undefined, 'verified too long ago');
  assert.equal(cache.alive('n1'), true, 'liveness still answers');
});

test('a gone process is reported at once', () => {
  const { cache, live } = rig();
  live.add(42);
  cache.set('n1', 42);
  live.delete(42);
  assert.equal(cache.alive('n1'), false);
  assert.equal(cache.fresh('n1'), undefined);
  live.add(42);
  assert.equal(cache.alive('n1'), false, 'a reused pid is not the node');
  cache.set('n1', 43);
  cache.gone('n1');
  assert.equal(cache.alive('n1'), false, 'told it ended');
  cache.delete('n1');
  assert.equal(cache.alive('n1'), undefined);
  cache.gone('n1');
  assert.equal(cache.alive('n1'), false, 'looked for and not found');
});

test('a process whose exit is reported is not probed', () => {
  const { cache } = rig();
  cache.set('n1', 42, true); // not in `live`: a probe would say gone
  assert.equal(cache.alive('n1'), true);
  cache.gone('n1');
  assert.equal(cache.alive('n1'), false);
});

test('pidExists: this process exists, an unused pid does not', () => {
  assert.equal(pidExists(process.pid), true);
  assert.equal(pidExists(2 ** 22 + 1), false);
});

test('a check that began before the exit was reported does not bring the process back', () => {
  const { cache } = rig();
  cache.set('n1', 42, true); // spawned: its exit is reported
  // status() looks at /proc (the process is there), then the exit event lands, then status() goes on
  cache.gone('n1');
  assert.equal(cache.verified('n1', 42, true), false, 'the stale check is refused');
  assert.equal(cache.alive('n1'), false);
  assert.equal(cache.fresh('n1'), undefined);
  // A process the cache has not seen end is trusted, and a new one of the node after an exit too.
  assert.equal(cache.verified('n1', 43, true), true);
  assert.equal(cache.alive('n1'), true);
  cache.gone('n1');
  cache.set('n1', 42, true); // spawned again (the pid came round): start() always sets
  assert.equal(cache.alive('n1'), true);
});
