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

/** A monitor over fake nodes whose processes the test kills; counts the PINGs each node gets. */
function liveRig(opts: Partial<typeof DEFAULT_MONITOR_OPTIONS> = {}) {
  let t = 1_000_000;
  const alive = new Map<string, boolean | undefined>();
  const pings = new Map<string, number>();
  const timeouts = new Set<string>();
  const refused = new Set<string>();
  const listeners = new Set<(key: string) => void>();
  const changes: string[] = [];
  const pinger = {
    client: (_a: string, port: number) => ({
      ping: async () => {
        const key = `n${port}`;
        pings.set(key, (pings.get(key) ?? 0) + 1);
        if (timeouts.has(key)) throw new Error('timeout');
        if (refused.has(key)) throw new Error('connect ECONNREFUSED');
        return 'PONG';
      },
    }),
  };
  const provider = {
    status: async (key: string) => ({ running: alive.get(key) !== false }),
    isAlive: (key: string) => alive.get(key),
    onExit: (l: (key: string) => void) => { listeners.add(l); return () => listeners.delete(l); },
  };
  const m = new HealthMonitor(pinger, provider, { ...DEFAULT_MONITOR_OPTIONS, intervalMs: 100, idleIntervalMs: 1000, ...opts },
    (k, h) => changes.push(`${k} ${h.health}`), silentLogger, () => t);
  m.watch([1, 2].map((port) => ({ key: `n${port}`, address: '127.0.0.1', port })));
  for (const k of ['n1', 'n2']) alive.set(k, true);
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    m, alive, pings, timeouts, changes,
    exit(key: string) { alive.set(key, false); refused.add(key); for (const l of listeners) l(key); },
    async ticks(n: number) { for (let i = 0; i < n; i++) { t += 100; m.tick(); await flush(); } },
  };
}

test('a process exit the provider reports makes the node down at once, without a ping', async () => {
  const r = liveRig({ intervalMs: 60_000 });
  r.m.start();
  try {
    r.exit('n1');
    assert.equal(r.m.health('n1').health, 'down');
    assert.equal(r.m.health('n1').lastSignal, 'exited');
    assert.deepEqual(r.changes, ['n1 down']);
    assert.equal(r.pings.get('n1') ?? 0, 0);
  } finally {
    r.m.stop();
  }
});

test('the fast tick finds a gone process (an adopted node: no exit event) and judges it down without a ping', async () => {
  const r = liveRig();
  r.alive.set('n2', false);
  await r.ticks(1);
  assert.equal(r.m.health('n2').health, 'down');
  assert.equal(r.m.health('n2').lastSignal, 'exited');
  await r.ticks(20);
  assert.equal(r.pings.get('n2') ?? 0, 0, 'a node known dead is not pinged');
  assert.deepEqual(r.changes, ['n2 down']);
});

test('healthy nodes are pinged once per idle period, suspected ones at every tick', async () => {
  const r = liveRig();
  await r.ticks(30); // 3 s
  for (const k of ['n1', 'n2']) {
    const n = r.pings.get(k) ?? 0;
    assert.ok(n >= 2 && n <= 3, `${k}: ${n} pings in 3 s`);
  }
  r.timeouts.add('n1');
  await r.ticks(10); // the next idle ping fails: suspected, then pinged every tick
  assert.equal(r.m.health('n1').health, 'down');
  const before = r.pings.get('n1')!;
  await r.ticks(5);
  assert.equal(r.pings.get('n1')! - before, 5, 'a down node is pinged at every tick');
});

test('an answer sent just before the process was killed is not a recovery', async () => {
  const r = liveRig();
  r.alive.set('n1', false); // killed while its PONG was on the way
  await r.m.checkAll();
  assert.equal(r.m.health('n1').health, 'down');
  assert.equal(r.m.health('n1').lastSignal, 'exited');
  assert.deepEqual(r.changes, ['n1 down']);
});

test('a node the provider has not looked at yet (being created) is not pinged', async () => {
  const r = liveRig();
  r.alive.set('n1', undefined);
  await r.ticks(30);
  assert.equal(r.pings.get('n1') ?? 0, 0);
  assert.equal(r.m.health('n1').health, 'up', 'no verdict without a signal');
});

test('onCheck hears every check\'s outcome (the service\'s HealthChecks metric)', async () => {
  const r = rig();
  const heard: string[] = [];
  r.m.onCheck = (key, outcome) => heard.push(`${key}:${outcome}`);
  await r.checks(1);
  r.set('timeout');
  await r.checks(1);
  assert.deepEqual(heard, ['n1:ok', 'n1:timeout']);
});
