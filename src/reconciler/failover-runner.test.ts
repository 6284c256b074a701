/**
 * The failover runner on the real SQLite store, with the nodes faked (FakeShard): a dead primary
 * failed over at once, the control plane killed after every step (and before any step's record
 * was saved) and restarted from the store — every failover event stored and delivered to the log
 * exactly once whatever the crash — and the group kept `modifying` while a shard has no serving
 * primary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EventSink } from '../events/sink.js';
import { FakeShard } from '../failover/fake-shard.js';
import { newFailover } from '../failover/machine.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { ConflictError, OwnershipError, getGroup, groupCreate, groupStatusOf, mergeGroup, type ReplicationGroupRecord, type StateStore } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { FailoverRunner } from './failover-runner.js';

const NOW = new Date('2026-01-01T00:00:10Z');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-failover-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

class Crash extends Error {}

/** The store, with the process dying at its `at`-th commit: before it applies, or just after. */
function crashing(inner: StateStore, at: number, when: 'before' | 'after'): StateStore {
  let n = 0;
  return new Proxy(inner, {
    get: (target, prop) => prop !== 'commit' ? Reflect.get(target, prop).bind(target) : async (...args: Parameters<StateStore['commit']>) => {
      n++;
      if (n === at && when === 'before') throw new Crash('died before the commit');
      await target.commit(...args);
      if (n === at && when === 'after') throw new Crash('died after the commit');
    },
  });
}

/** Group g (cluster mode disabled): primary g-001, replicas g-002 (most data) and g-003. */
function shard(): FakeShard {
  return new FakeShard({ 'g-001': {}, 'g-002': { offset: 100 }, 'g-003': { offset: 90 } });
}

async function seed(store: StateStore, extra: Partial<ReplicationGroupRecord> = {}): Promise<void> {
  const doc = {
    ...mergeGroup({ id: 'g', arn: 'arn:rg:g', automaticFailoverEnabled: true, primaryClusterId: 'g-001',
      memberClusters: ['g-001', 'g-002', 'g-003'], pending: {} } as never, undefined),
    status: 'available', ...extra,
  } as ReplicationGroupRecord;
  await store.commit([groupCreate(doc), { op: 'create', kind: 'replicationGroupStatus', id: 'g', doc: groupStatusOf(doc) }]);
}

interface Harness { runner: FailoverRunner; switched: string[] }

/** A control plane: a runner over this store and the (shared, surviving) fake nodes. */
function controlPlane(store: StateStore, fake: FakeShard, canAct = true, sink = new EventSink(store, silentLogger, () => NOW)): Harness {
  const switched: string[] = [];
  const runner = new FailoverRunner({
    store, events: sink, logger: silentLogger, now: () => NOW,
    monitor: { canAct, health: (key) => ({ health: fake.node(key).down ? 'down' : 'up', failures: 0 }) },
    nodeKeyOf: (c) => c.id, nodes: fake.control(), ops: fake.ops(), catchUpMs: 30,
    network: { switchEndpoint: async (g, from) => { switched.push(`${g.primaryClusterId} from ${from?.id}`); } },
  });
  return { runner, switched };
}

/** One reconcile pass of the group's one shard, as GroupController runs it; the group as left in memory. */
async function pass(h: Harness, store: StateStore, fake: FakeShard): Promise<{ failingOver: boolean; g: ReplicationGroupRecord }> {
  const stored = (await getGroup(store, 'g'))!;
  const g = structuredClone(stored.doc);
  const failingOver = await h.runner.run({ group: g, shard: g, label: '', clusters: fake.records('g'), writer: h.runner.writer(stored), automatic: g.automaticFailoverEnabled });
  return { failingOver, g };
}

/**
 * A control plane's event sink as the service starts it (resumed from the cursor in `store`),
 * adding what it delivers to the service's log to `log`.
 */
async function startedSink(store: StateStore, log: string[]): Promise<EventSink> {
  const sink = new EventSink(store, silentLogger, () => NOW);
  sink.subscribe((e) => log.push(e.message));
  await sink.resume();
  return sink;
}

const saved = async (store: StateStore) => (await getGroup(store, 'g'))!.doc;
const events = async (store: StateStore, re: RegExp) => (await store.queryEvents({ sourceIdentifier: 'g' })).filter((e) => re.test(e.message)).length;

async function assertFailedOverOnce(store: StateStore, fake: FakeShard): Promise<void> {
  const g = await saved(store);
  assert.equal(g.failover, undefined);
  assert.equal(g.primaryClusterId, 'g-002');
  assert.equal(g.lastFailoverAt, NOW.toISOString());
  assert.equal(fake.count('promote'), 1, 'one promotion');
  assert.equal(fake.count('promote g-002'), 1, 'of the chosen replica');
  assert.equal(fake.node('g-003').following, 'g-002', 'the other replica repointed');
}

const STATES = ['select-replica', 'promote', 'switch-endpoint', 'repoint-replicas', 'update-state'] as const;

describe('failover runner', () => {
  it('a dead primary is failed over at once, in one pass, even right after a failover (no throttle)', async () => {
    const store = new SqliteStore(dbPath());
    await seed(store, { lastFailoverAt: NOW.toISOString() });
    const fake = shard();
    const h = controlPlane(store, fake);
    fake.node('g-001').down = true;
    const { failingOver, g } = await pass(h, store, fake);
    assert.equal(failingOver, true);
    assert.equal(g.status, 'modifying');
    await assertFailedOverOnce(store, fake);
    assert.deepEqual(h.switched, ['g-002 from g-001']);
    assert.equal(await events(store, /^Primary g-001 is down; failing over to a replica$/), 1);
    assert.equal(await events(store, /^Failover to replica node g-002-0001 completed \(primary g-001 failed, /), 1);
    // The new primary dies too: failed over again at once, to the last replica.
    fake.node('g-002').down = true;
    await pass(h, store, fake);
    assert.equal((await saved(store)).primaryClusterId, 'g-003');
    assert.equal(fake.count('promote g-003'), 1);
    await store.close();
  });

  /** Each failover event once in the store (DescribeEvents) and once in what the sinks delivered (the log). */
  async function assertEventsOnce(store: StateStore, log: string[]): Promise<void> {
    assert.equal(await events(store, /^Primary g-001 is down; failing over to a replica$/), 1, 'detected once');
    assert.equal(await events(store, /^Failover to replica node g-002-0001 completed/), 1, 'one completion event');
    assert.equal(log.filter((m) => /is down; failing over/.test(m)).length, 1, 'logged once');
    assert.equal(log.filter((m) => /completed/.test(m)).length, 1, 'completion logged once');
  }

  for (const [k, state] of STATES.entries()) {
    it(`killed just after saving ${state}: a new control plane finishes the failover, each event once`, async () => {
      const path = dbPath();
      const first = new SqliteStore(path);
      await seed(first);
      const fake = shard();
      fake.node('g-001').down = true;
      const log: string[] = [];
      const firstSink = await startedSink(first, log);
      const dying = crashing(first, k + 1, 'after');
      await assert.rejects(pass(controlPlane(dying, fake, true, firstSink), dying, fake), Crash);
      assert.equal((await saved(first)).failover?.state, STATES[k + 1], 'the record holds the next step');
      await firstSink.close();
      await first.close();

      const store = new SqliteStore(path);
      const h = controlPlane(store, fake, true, await startedSink(store, log));
      assert.equal((await pass(h, store, fake)).failingOver, state !== 'update-state');
      assert.equal((await pass(h, store, fake)).failingOver, false, 'nothing left to do');
      await assertFailedOverOnce(store, fake);
      await assertEventsOnce(store, log);
      assert.ok(h.switched.length <= 1 && h.switched.every((s) => s === 'g-002 from g-001'));
      await store.close();
    });
  }

  for (const [k, state] of STATES.entries()) {
    it(`killed after running ${state} but before saving it: the step runs again, harmlessly, each event once`, async () => {
      const path = dbPath();
      const first = new SqliteStore(path);
      await seed(first);
      const fake = shard();
      fake.node('g-001').down = true;
      const log: string[] = [];
      const firstSink = await startedSink(first, log);
      const dying = crashing(first, k + 1, 'before');
      await assert.rejects(pass(controlPlane(dying, fake, true, firstSink), dying, fake), Crash);
      await firstSink.close();
      await first.close();

      const store = new SqliteStore(path);
      const h = controlPlane(store, fake, true, await startedSink(store, log));
      await pass(h, store, fake);
      assert.equal((await pass(h, store, fake)).failingOver, false);
      await assertFailedOverOnce(store, fake);
      // The events a step made go into the commit of its state: lost with it, made again when it runs again.
      await assertEventsOnce(store, log);
      await store.close();
    });
  }

  it('killed after its last commit but before the log had the events: the next start logs them, once', async () => {
    const path = dbPath();
    const first = new SqliteStore(path);
    await seed(first);
    const fake = shard();
    fake.node('g-001').down = true;
    const log: string[] = [];
    const firstSink = await startedSink(first, log);
    await firstSink.close(); // the sink dies first: what the runner stores below reaches no log
    await pass(controlPlane(first, fake, true, new EventSink(first, silentLogger, () => NOW)), first, fake);
    await first.close();
    assert.deepEqual(log, []);

    const store = new SqliteStore(path);
    await (await startedSink(store, log)).close();
    await assertEventsOnce(store, log);
    await (await startedSink(store, log)).close();
    await assertEventsOnce(store, log);
    await store.close();
  });

  it('no healthy replica: blocked, the failover record kept; the primary back at select-replica cancels it', async () => {
    const store = new SqliteStore(dbPath());
    await seed(store);
    const fake = shard();
    const h = controlPlane(store, fake);
    for (const id of ['g-001', 'g-002', 'g-003']) fake.node(id).down = true;
    assert.equal((await pass(h, store, fake)).failingOver, true);
    const g = await saved(store);
    assert.equal(g.failover?.state, 'select-replica');
    assert.equal(g.status, 'modifying');
    await pass(h, store, fake);
    assert.equal((await saved(store)).failover?.state, 'select-replica', 'still kept');
    assert.equal(await events(store, /is down/), 1);

    fake.node('g-001').down = false;
    assert.equal((await pass(h, store, fake)).failingOver, true);
    assert.equal((await saved(store)).failover, undefined);
    assert.equal((await saved(store)).primaryClusterId, 'g-001');
    assert.equal(await events(store, /^Primary g-001 answers again; failover cancelled$/), 1);
    assert.deepEqual(fake.actions, []);
    await store.close();
  });

  it('a planned switchover whose replica is not caught up: blocked, the old primary unpaused', async () => {
    const store = new SqliteStore(dbPath());
    await seed(store, { failover: newFailover('switchover', 'g-001', NOW, 'g-002') });
    const fake = shard();
    fake.node('g-001').offset = 500;
    const h = controlPlane(store, fake);
    assert.equal((await pass(h, store, fake)).failingOver, true);
    assert.equal((await saved(store)).failover?.state, 'promote');
    assert.deepEqual(fake.actions, ['pause g-001', 'unpause g-001']);
    assert.equal(fake.node('g-001').paused, false);
    assert.equal(fake.count('promote'), 0);
    await store.close();
  });

  it('the group shows modifying while its primary is not serving, and no failover starts without cause', async () => {
    const store = new SqliteStore(dbPath());
    await seed(store);
    const fake = shard();
    const serving = await pass(controlPlane(store, fake), store, fake);
    assert.deepEqual([serving.failingOver, serving.g.status], [false, 'available']);

    fake.node('g-001').down = true;
    // TILT (the monitor may not act): observed down, not failed over, not available either.
    const tilted = await pass(controlPlane(store, fake, false), store, fake);
    assert.deepEqual([tilted.failingOver, tilted.g.status], [false, 'modifying']);
    // AutomaticFailoverEnabled=false: the same.
    const manual = controlPlane(store, fake);
    const stored = (await getGroup(store, 'g'))!;
    const g = structuredClone(stored.doc);
    assert.equal(await manual.runner.run({ group: g, shard: g, label: '', clusters: fake.records('g'), writer: manual.runner.writer(stored), automatic: false }), false);
    assert.equal(g.status, 'modifying');
    assert.equal(fake.actions.length, 0);
    await store.close();
  });

  it('cluster mode: one node group fails over on its own, named in the events', async () => {
    const store = new SqliteStore(dbPath());
    const fake = new FakeShard({
      'g-0001-001': {}, 'g-0001-002': {},
      'g-0002-001': { role: 'primary', following: undefined, linkUp: false }, 'g-0002-002': { following: 'g-0002-001' },
    });
    const nodeGroups = [
      { id: '0001', slots: '0-8191', primaryClusterId: 'g-0001-001', memberClusters: ['g-0001-001', 'g-0001-002'] },
      { id: '0002', slots: '8192-16383', primaryClusterId: 'g-0002-001', memberClusters: ['g-0002-001', 'g-0002-002'] },
    ];
    await seed(store, { clusterEnabled: true, primaryClusterId: 'g-0001-001', memberClusters: nodeGroups.flatMap((ng) => ng.memberClusters), nodeGroups });
    const h = controlPlane(store, fake);
    fake.node('g-0002-001').down = true;
    const stored = (await getGroup(store, 'g'))!;
    const g = structuredClone(stored.doc);
    const writer = h.runner.writer(stored);
    const ran: boolean[] = [];
    for (const ng of g.nodeGroups!) ran.push(await h.runner.run({ group: g, shard: ng, label: `node group ${ng.id}`, clusters: fake.records('g'), writer, automatic: true }));
    assert.deepEqual(ran, [false, true]);
    const done = await saved(store);
    assert.deepEqual(done.nodeGroups!.map((ng) => ng.primaryClusterId), ['g-0001-001', 'g-0002-002']);
    assert.equal(done.primaryClusterId, 'g-0001-001');
    assert.deepEqual(fake.actions, ['promote g-0002-002'], 'shard 0001 untouched');
    assert.equal(await events(store, /^Primary g-0002-001 of node group 0002 is down/), 1);
    assert.equal(await events(store, /completed for node group 0002 /), 1);
    await store.close();
  });

  it('mayRestart: not the failed primary of a shard that can fail over; always a node that never ran', async () => {
    const fake = shard();
    const store = new SqliteStore(dbPath());
    const { runner } = controlPlane(store, fake);
    const g = { primaryClusterId: 'g-001', memberClusters: ['g-001', 'g-002'] };
    const primary = fake.record('g-001', 'g');
    assert.equal(runner.mayRestart(g, primary, true), false);
    assert.equal(runner.mayRestart(g, primary, false), true, 'no automatic failover: restarted in place');
    assert.equal(runner.mayRestart({ ...g, memberClusters: ['g-001'] }, primary, true), true, 'no replica to take over');
    assert.equal(runner.mayRestart({ ...g, primaryClusterId: 'g-002', failover: newFailover('primary-down', 'g-001', NOW) }, primary, false), false);
    assert.equal(runner.mayRestart(g, fake.record('g-002', 'g'), true), true);
    assert.equal(runner.mayRestart(undefined, primary, true), true, 'in no shard');
    primary.nodes[0]!.observed = {};
    assert.equal(runner.mayRestart(g, primary, true), true, 'never ran');
    await store.close();
  });

  it('the group writer skips unchanged writes, commits queued ops with the next one, and refuses a stale version', async () => {
    const store = new SqliteStore(dbPath());
    await seed(store);
    const { runner } = controlPlane(store, shard());
    const stored = (await getGroup(store, 'g'))!;
    const w = runner.writer(stored);
    const g = structuredClone(stored.doc);
    await w.persist(g);
    assert.equal((await getGroup(store, 'g'))!.statusVersion, stored.statusVersion, 'nothing changed, nothing written');
    w.alongside({ op: 'create', kind: 'cacheSubnetGroup', id: 'sg', doc: { name: 'sg', arn: 'arn:sg', description: '', vpcId: 'v', subnets: [], createdAt: '' } });
    await w.persist(g);
    assert.ok(await store.get('cacheSubnetGroup', 'sg'), 'the queued op was committed');
    g.status = 'modifying';
    await w.persist(g);
    assert.equal((await saved(store)).status, 'modifying');
    assert.equal((await getGroup(store, 'g'))!.version, stored.version, 'a status write leaves the spec alone');
    await assert.rejects(runner.writer(stored).persist({ ...g, status: 'snapshotting' }), ConflictError, 'a stale status version');
    await assert.rejects(w.persist({ ...g, description: 'changed by the reconciler' }), OwnershipError, 'the spec is not the reconciler\'s to change');
    await store.close();
  });
});
