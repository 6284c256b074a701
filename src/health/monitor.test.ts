import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MONITOR_OPTIONS, HealthMonitor, type NodeHealth } from './monitor.js';
import { silentLogger } from '../util/logger.js';

type Behaviour = 'ok' | 'timeout' | 'refused';

/** A monitor over one fake node whose PING answers as `behaviour` says, on a clock the test moves. */
function rig(opts: Partial<typeof DEFAULT_MONITOR_OPTIONS> = {}) {
  let behaviour: Behaviour = 'ok';
  let running = true;
  let t = 1_000_000;
  const changes: NodeHealth['health'][] = [];
  const pinger = {
    client: () => ({
      ping: async () => {
        if (behaviour === 'ok') return 'PONG';
        throw new Error(behaviour === 'timeout' ? 'timeout' : 'connect ECONNREFUSED');
      },
    }),
  };
  const provider = { status: async () => ({ running }) };
  const m = new HealthMonitor(pinger, provider, { ...DEFAULT_MONITOR_OPTIONS, ...opts }, (_k, h) => changes.push(h.health), silentLogger, () => t);
  m.watch([{ key: 'n1', address: '127.0.0.1', port: 1 }]);
  return {
    m, changes,
    set(b: Behaviour, alive = true) { behaviour = b; running = alive; },
    async checks(n: number) { for (let i = 0; i < n; i++) { t += 100; await m.checkAll(); } },
    advance(ms: number) { t += ms; },
    get health() { return m.health('n1').health; },
  };
}

test('one failed check makes a node suspected, downAfter in a row make it down, one answer makes it up', async () => {
  const r = rig();
  await r.checks(1);
  assert.equal(r.health, 'up');
  r.set('timeout');
  await r.checks(1);
  assert.equal(r.health, 'suspected');
  await r.checks(2);
  assert.equal(r.health, 'down');
  r.set('ok');
  await r.checks(1);
  assert.equal(r.health, 'up');
  assert.deepEqual(r.changes, ['suspected', 'down', 'up']);
});

test('a node whose process has exited is down at the first failed check', async () => {
  const r = rig();
  r.set('refused', false);
  await r.checks(1);
  assert.equal(r.health, 'down');
  assert.equal(r.m.health('n1').lastSignal, 'exited');
});

test('a node that keeps coming back needs more timed-out checks to be down again (flap damping)', async () => {
  const r = rig({ downAfter: 3, flapRecoveries: 2, flapDampFactor: 4, flapWindowMs: 60_000 });
  for (let i = 0; i < 2; i++) {
    r.set('timeout');
    await r.checks(3);
    assert.equal(r.health, 'down', `flap ${i + 1}: down after 3 timeouts`);
    r.set('ok');
    await r.checks(1);
  }
  r.set('timeout');
  await r.checks(3);
  assert.equal(r.health, 'suspected', 'damped: 3 timeouts are not enough any more');
  await r.checks(8);
  assert.equal(r.health, 'suspected');
  await r.checks(1);
  assert.equal(r.health, 'down', 'damped: down after 12 timeouts, never left up forever');
});

test('damping never delays a node whose process is gone', async () => {
  const r = rig({ flapRecoveries: 1 });
  r.set('timeout');
  await r.checks(3);
  r.set('ok');
  await r.checks(1);
  r.set('refused', false);
  await r.checks(1);
  assert.equal(r.health, 'down');
});

test('recoveries older than the flap window no longer damp', async () => {
  const r = rig({ flapRecoveries: 2, flapWindowMs: 10_000 });
  for (let i = 0; i < 2; i++) {
    r.set('timeout');
    await r.checks(3);
    r.set('ok');
    await r.checks(1);
  }
  r.advance(11_000);
  r.set('timeout');
  await r.checks(3);
  assert.equal(r.health, 'down');
});
