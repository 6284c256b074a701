/**
 * The failover state machine on a faked shard (no Redis): the replica chosen, the order of the
 * steps, each step run twice as after a crash before its record was saved, and the ways a
 * failover stops short (no replica to promote, the primary back, a replica not caught up).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailoverRecord, ShardRecord } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { FakeShard } from './fake-shard.js';
import { newFailover, stepFailover, type FailoverDeps, type StepResult } from './machine.js';

const NOW = new Date('2026-01-01T00:00:10Z');
const STARTED = new Date('2026-01-01T00:00:00Z');

interface World {
  fake: FakeShard;
  deps: FailoverDeps;
  events: string[];
  switched: (string | undefined)[];
  shard: ShardRecord;
}

/** Shard a (primary) with replicas b (offset 100) and c (offset 90): b is the one to promote. */
function world(opts: { pausesItself?: boolean; reason?: FailoverRecord['reason']; to?: string; from?: string } = {}): World {
  const fake = new FakeShard({ a: {}, b: { offset: 100 }, c: { offset: 90 } });
  const events: string[] = [];
  const switched: (string | undefined)[] = [];
  const deps: FailoverDeps = {
    nodes: fake.control(), ops: fake.ops(opts.pausesItself), logger: silentLogger, now: () => NOW,
    record: (message) => { events.push(message); },
    healthy: (c) => !fake.node(c.id).down,
    switchEndpoint: async (from) => { switched.push(from?.id); fake.actions.push(`switch from ${from?.id}`); },
    groupId: 'g', shardLabel: '', catchUpMs: 30,
  };
  const shard: ShardRecord = {
    primaryClusterId: 'a', memberClusters: ['a', 'b', 'c'],
    failover: newFailover(opts.reason ?? 'primary-down', opts.from ?? 'a', STARTED, opts.to),
  };
  return { fake, deps, events, switched, shard };
}

/** One step on the members as observed now (each pass observes afresh). */
const step = (w: World): Promise<StepResult> => stepFailover(w.deps, w.shard, w.fake.records('g'));

async function runToEnd(w: World): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (let i = 0; i < 10 && w.shard.failover; i++) {
    const r = await step(w);
    results.push(r);
    if (r !== 'advanced') break;
  }
  return results;
}

function assertFailedOverToB(w: World): void {
  assert.equal(w.shard.failover, undefined);
  assert.equal(w.shard.primaryClusterId, 'b');
  assert.equal(w.shard.lastFailoverAt, NOW.toISOString());
  assert.equal(w.fake.count('promote'), 1, 'one promotion');
  assert.equal(w.fake.count('promote b'), 1, 'of the chosen replica');
  assert.equal(w.fake.node('c').following, 'b', 'the other replica follows the new primary');
  assert.ok(w.switched.length >= 1 && w.switched.every((from) => from === 'a'), 'the endpoint switched away from a');
  assert.equal(w.events.filter((e) => /^Failover to replica node b-0001 completed/.test(e)).length, 1, 'one completion event');
}

describe('failover machine', () => {
  it('a dead primary: select → promote → switch endpoint → repoint → update state, the replica with most data promoted', async () => {
    const w = world();
    w.fake.node('a').down = true;
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'advanced', 'done']);
    assertFailedOverToB(w);
    assert.deepEqual(w.fake.actions, ['promote b', 'switch from a', 'repoint c b'], 'the dead primary is neither repointed nor paused');
    assert.deepEqual(w.switched, ['a']);
    assert.match(w.events.at(-1)!, /\(primary a failed, 10000 ms\)$/);
  });

  it('a step run again (a crash before its record was saved) changes nothing more: every step is idempotent', async () => {
    const states = ['select-replica', 'promote', 'switch-endpoint', 'repoint-replicas', 'update-state'] as const;
    for (const [k, state] of states.entries()) {
      const w = world();
      w.fake.node('a').down = true;
      while (w.shard.failover?.state !== state) assert.equal(await step(w), 'advanced');
      const saved = structuredClone(w.shard); // what the store holds: the record before step k
      await step(w);
      w.shard = saved; // the process died before saving; the next one reads the record and runs step k again
      await runToEnd(w);
      assert.equal(w.shard.primaryClusterId, 'b', `re-run of ${state}`);
      assert.equal(w.fake.count('promote b'), 1, `re-run of ${state}: one promotion`);
      assert.equal(w.fake.node('c').following, 'b');
      assert.equal(w.shard.failover, undefined);
      // update-state's event is emitted before its record is saved: the one step whose re-run repeats something.
      const completions = w.events.filter((e) => /completed/.test(e)).length;
      assert.equal(completions, k === states.length - 1 ? 2 : 1, `re-run of ${state}: completion events`);
    }
  });

  it('no healthy replica: blocked at select-replica, the failover kept for the next pass', async () => {
    const w = world();
    w.fake.node('a').down = true;
    w.fake.node('b').down = true;
    w.fake.node('c').priority = 0; // never promoted
    assert.equal(await step(w), 'blocked');
    assert.equal(await step(w), 'blocked');
    assert.deepEqual(w.shard.failover, { state: 'select-replica', fromClusterId: 'a', reason: 'primary-down', startedAt: STARTED.toISOString() });
    assert.equal(w.shard.primaryClusterId, 'a');
    assert.deepEqual(w.fake.actions, []);
    // A replica comes back: the same failover goes on.
    w.fake.node('b').down = false;
    await runToEnd(w);
    assert.equal(w.shard.primaryClusterId, 'b');
  });

  it('a replica that cannot be read is skipped; one with priority 0 is never chosen', async () => {
    const w = world();
    w.fake.node('a').down = true;
    w.fake.node('b').priority = 0;
    await runToEnd(w);
    assert.equal(w.shard.primaryClusterId, 'c');
    assert.deepEqual(w.fake.actions, ['promote c', 'switch from a', 'repoint b c']);
  });

  it('the failed primary answering again at select-replica cancels the failover', async () => {
    const w = world();
    assert.equal(await step(w), 'aborted');
    assert.equal(w.shard.failover, undefined);
    assert.equal(w.shard.primaryClusterId, 'a');
    assert.equal(w.shard.lastFailoverAt, undefined);
    assert.deepEqual(w.fake.actions, []);
    assert.deepEqual(w.events, ['Primary a answers again; failover cancelled']);
  });

  it('the chosen replica gone before promote: back to select-replica', async () => {
    const w = world();
    w.fake.node('a').down = true;
    await step(w);
    assert.equal(w.shard.failover?.toClusterId, 'b');
    const members = w.fake.records('g');
    members.delete('b');
    assert.equal(await stepFailover(w.deps, w.shard, members), 'advanced');
    assert.equal(w.shard.failover?.state, 'select-replica');
    assert.equal(w.shard.failover?.toClusterId, undefined);
  });

  it('a planned switchover whose replica is not caught up is blocked and the old primary unpaused', async () => {
    const w = world({ reason: 'switchover', to: 'b' });
    w.fake.node('a').offset = 500; // b has 100 of it
    assert.equal(await step(w), 'blocked');
    assert.deepEqual(w.fake.actions, ['pause a', 'unpause a']);
    assert.equal(w.fake.node('a').paused, false);
    assert.equal(w.fake.node('a').role, 'primary');
    assert.equal(w.fake.count('promote'), 0);
    assert.equal(w.shard.failover?.state, 'promote', 'tried again on the next pass');
    // A replica still in a full sync does not count as caught up either.
    w.fake.node('b').offset = 500;
    w.fake.node('b').syncing = true;
    assert.equal(await step(w), 'blocked');
    w.fake.node('b').syncing = false;
    assert.equal(await step(w), 'advanced');
    assert.equal(w.fake.node('b').role, 'primary');
  });

  it('a planned switchover once caught up: pause, promote, switch and drop the old primary\'s clients, then repoint it too and unpause it', async () => {
    const w = world({ reason: 'switchover', to: 'b' });
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'done']);
    assert.equal(w.shard.primaryClusterId, 'b');
    // No client is left on a (its writes held by the pause) when it turns replica: Redis would
    // answer them READONLY, pause or not.
    assert.deepEqual(w.fake.actions, ['pause a', 'promote b', 'switch from a', 'drop-clients a', 'repoint a b', 'repoint c b', 'unpause a']);
    assert.equal(w.fake.node('a').following, 'b');
    assert.match(w.events.at(-1)!, /completed \(switchover, /);
  });

  it('a record saved at repoint-replicas by a version that switched last: repointed, then switched, then done', async () => {
    const w = world({ reason: 'switchover', to: 'b' });
    w.shard.failover!.state = 'repoint-replicas'; // promoted; primaryClusterId still a
    w.fake.node('a').paused = true;
    w.fake.node('b').role = 'primary';
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'done']);
    assert.equal(w.shard.primaryClusterId, 'b');
    assert.deepEqual(w.switched, ['a']);
    assert.equal(w.fake.node('a').following, 'b');
    assert.equal(w.fake.node('a').paused, false);
  });

  it('Redis Cluster pauses the old primary itself (CLUSTER FAILOVER): no CLIENT PAUSE of ours', async () => {
    const w = world({ reason: 'test-failover', pausesItself: true });
    await runToEnd(w);
    assert.equal(w.fake.count('pause'), 0);
    assert.equal(w.fake.count('promote b'), 1);
  });

  it('no primary (each node a replica): the primary on record is promoted again, no client of it dropped, the others repointed', async () => {
    const w = world({ pausesItself: true, reason: 'no-primary', to: 'a' });
    // a and b each follow the other (Redis Cluster crossed claims); c follows a.
    Object.assign(w.fake.node('a'), { role: 'replica', following: 'b', linkUp: false });
    Object.assign(w.fake.node('b'), { following: 'a', linkUp: false });
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'done']);
    assert.deepEqual(w.fake.actions, ['promote a', 'switch from undefined', 'repoint b a', 'repoint c a']);
    assert.equal(w.shard.primaryClusterId, 'a');
    assert.deepEqual(w.events, ['Node a-0001 is primary again (no node was primary, 10000 ms)']);
  });

  it('Redis Cluster promoted another member: the record follows it, nothing promoted or paused', async () => {
    const w = world({ pausesItself: true, reason: 'engine-promoted', from: 'a', to: 'b' });
    Object.assign(w.fake.node('a'), { role: 'replica', following: 'b', linkUp: true });
    Object.assign(w.fake.node('b'), { role: 'primary', following: undefined, linkUp: false });
    Object.assign(w.fake.node('c'), { following: 'b' });
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'done']);
    assert.equal(w.fake.count('promote'), 0);
    assert.equal(w.fake.count('pause'), 0);
    assert.deepEqual(w.switched, ['a']);
    assert.equal(w.shard.primaryClusterId, 'b');
    assert.match(w.events[0]!, /^Node b-0001 is the primary on record \(Redis Cluster had promoted it, \d+ ms\)$/);
  });

  it('cluster mode: a replica that still sees its dead primary owning slots another primary serves waits for gossip (up to 3 s), then takes over', async () => {
    const w = world({ pausesItself: true });
    w.fake.node('a').down = true;
    const stale = [12, 3, 0];
    let asked = 0;
    w.deps.ops = { ...w.deps.ops, staleSlots: async () => { asked++; return stale.shift() ?? 0; } };
    w.deps.now = () => new Date(STARTED.getTime() + 1000);
    assert.equal(await step(w), 'advanced', 'b selected');
    assert.equal(await step(w), 'blocked', '12 stale slots: a takeover now would take them back');
    assert.equal(await step(w), 'blocked', '3 left');
    assert.equal(w.fake.count('promote'), 0);
    assert.deepEqual(await runToEnd(w), ['advanced', 'advanced', 'advanced', 'done']);
    assert.equal(asked, 3);
    assert.equal(w.shard.primaryClusterId, 'b');
    assert.equal(w.fake.count('promote b'), 1);

    // Gossip that never comes does not hold a shard without a primary for long: past 3 s, promoted.
    const late = world({ pausesItself: true });
    late.fake.node('a').down = true;
    late.deps.ops = { ...late.deps.ops, staleSlots: async () => 5 };
    late.deps.now = () => new Date(STARTED.getTime() + 3000);
    assert.deepEqual(await runToEnd(late), ['advanced', 'advanced', 'advanced', 'advanced', 'done']);
    assert.equal(late.shard.primaryClusterId, 'b');
    assert.equal(late.fake.count('promote b'), 1);
  });
});
