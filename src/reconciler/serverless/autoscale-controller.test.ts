/**
 * The autoscaler driven by the serverless controller on the real SQLite store, with the fakes the
 * controller tests use (a fake admin client answering INFO memory per node; no engine installed).
 * Checks: memory over the threshold records a resharding of the hidden group to 2 shards (as
 * ModifyReplicationGroupShardConfiguration records it) with an event on the cache and the decision
 * kept for `cachefleet usage`; nothing more happens while it is under way (one at a time); once
 * the group is available again and the load is low for the cool-down, it scales back in by one.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { DEFAULT_SERVERLESS_SCALING } from '../../core/index.js';
import { backingGroupId } from '../../resources/serverless.js';
import { setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { CachedReads, MergedViews, getGroup, groupSpecWrite, serverlessCacheCreate, type ServerlessCacheSpec } from '../../store/index.js';
import { silentLogger } from '../../util/logger.js';
import type { ReconcilerDeps } from '../deps.js';
import { backupServices, seedGroup } from '../backups/test-fixtures.js';
import { ServerlessController } from './controller.js';

const MB = 1024 ** 2;
let t: TestServices;
let now: Date;
/** used_memory each node reports (by address); maxmemory 100 MB. */
const used = new Map<string, number>();
/** cmdstat_eval's calls and usec each node reports (by address). */
const evals = new Map<string, [number, number]>();

beforeEach(async () => {
  t = await backupServices();
  now = t.svc.now();
  used.clear();
  evals.clear();
});
afterEach(async () => { await t.close(); });

function controller(): ServerlessController {
  const admin = { client: (address: string) => ({ info: async () => `used_memory:${used.get(address) ?? MB}\r\nmaxmemory:${100 * MB}\r\n`
    + `run_id:r1\r\nrole:master\r\ncmdstat_eval:calls=${evals.get(address)?.[0] ?? 0},usec=${evals.get(address)?.[1] ?? 0}\r\n` }) };
  const deps = { store: t.store, events: t.svc.events, logger: silentLogger, now: () => new Date(now), admin } as unknown as ReconcilerDeps;
  const settings = { ...DEFAULT_SERVERLESS_SCALING, shardMemoryBytes: 100 * MB, scaleOutCooldownMs: 60_000, scaleInCooldownMs: 300_000, evaluateIntervalMs: 1000 };
  return new ServerlessController(deps, new MergedViews(new CachedReads(t.store)), {
    dataDir: t.svc.config.dataDir, mainScript: '/nonexistent/main.js', usageSampleMs: 0, scaling: { settings, svc: t.svc },
  });
}

async function seedCache(name: string): Promise<void> {
  const gid = backingGroupId(name);
  await seedGroup(t, gid, { shards: 1, replicas: 1 });
  const spec: ServerlessCacheSpec = {
    name, arn: `arn:${name}`, description: '', createdAt: now.toISOString(), engine: 'redis', majorEngineVersion: '7', fullEngineVersion: '7.0',
    securityGroupIds: [], subnetIds: [], snapshotRetentionLimit: 0, dailySnapshotTime: '04:00',
    endpoint: { address: '127.77.9.9', port: 6379 }, readerEndpoint: { address: '127.77.9.9', port: 6380 }, backingGroupId: gid, generation: 1,
  };
  await t.store.commit([serverlessCacheCreate(spec)]);
}

const advance = (ms: number) => { now = new Date(now.getTime() + ms); };
const group = async (name: string) => (await getGroup(t.store, backingGroupId(name)))!;
const scalingEvents = async () => (await t.store.queryEvents({ sourceType: 'serverless-cache' })).filter((e) => /scaling/.test(e.message));

test('memory over the threshold scales the hidden group out to 2 shards, one scaling at a time, then back in once low for the cool-down', async () => {
  await seedCache('orders');
  const ctl = controller();
  await ctl.reconcile();
  assert.equal((await group('orders')).doc.nodeGroups!.length, 1, 'low load: no scaling');

  // The one shard's primary at 80% of its maxmemory.
  const primary = (await t.store.get('cacheCluster', (await group('orders')).doc.nodeGroups![0]!.primaryClusterId))!.doc;
  used.set(primary.nodes[0]!.address, 80 * MB);
  advance(1000);
  await ctl.reconcile();
  const g = (await group('orders')).doc;
  assert.equal(g.nodeGroups!.length, 2);
  assert.deepEqual(g.nodeGroups!.map((ng) => ng.slots), ['0-8191', '8192-16383']);
  assert.ok(g.resharding && g.resharding.totalSlots === 8192 && g.resharding.removing.length === 0);
  assert.equal(g.memberClusters.length, 4, 'a primary and a replica created for the new shard');
  assert.equal((await t.store.list('cacheCluster')).length, 4);
  const events = await scalingEvents();
  assert.equal(events.length, 1);
  assert.match(events[0]!.message, /orders is scaling out from 1 to 2 shards: memory use 80% of a shard's maxmemory/);
  const decision = (await t.store.get('serverlessUsage', 'orders'))!.doc.scaling!.lastDecision!;
  assert.deepEqual({ from: decision.from, to: decision.to }, { from: 1, to: 2 });

  // While the resharding is under way, nothing more (the load is still high).
  advance(120_000);
  await ctl.reconcile();
  assert.equal((await group('orders')).doc.nodeGroups!.length, 2);
  assert.equal((await scalingEvents()).length, 1);

  // The group reconciler finished: available, not resharding. The load drops to 1% of each shard.
  const done = await group('orders');
  const finished = structuredClone(done.doc);
  delete finished.resharding;
  await t.store.commit(groupSpecWrite(done, finished));
  await setGroupStatus(t.store, backingGroupId('orders'), (x) => { x.status = 'available'; x.observedGeneration = x.generation ?? 0; });
  used.clear();
  advance(1000);
  await ctl.reconcile();
  assert.equal((await group('orders')).doc.nodeGroups!.length, 2, 'low, but not yet for the cool-down');
  advance(300_000);
  await ctl.reconcile();
  const after = (await group('orders')).doc;
  assert.deepEqual(after.resharding?.removing, ['0002']);
  assert.deepEqual(after.nodeGroups!.map((ng) => ng.slots), ['0-16383', '']);
  const last = await scalingEvents();
  assert.equal(last.length, 2);
  assert.ok(last.some((e) => /orders is scaling in from 2 to 1 shards: memory use 1% .* for 300 s/.test(e.message)), last.map((e) => e.message).join('; '));
});

test('CPU-heavy commands count in the ECPU/s the autoscaler sees', async () => {
  await seedCache('lua');
  const ctl = controller();
  await ctl.reconcile(); // the nodes' first readings: marks
  const primary = (await t.store.get('cacheCluster', (await group('lua')).doc.nodeGroups![0]!.primaryClusterId))!.doc;
  // In one second, 10 EVALs took 0.69 s of the primary: 60,000 ECPUs (11.5 µs a request), over the 50,000 ECPU/s threshold.
  evals.set(primary.nodes[0]!.address, [10, 690_003]);
  advance(1000);
  await ctl.reconcile();
  const usage = (await t.store.get('serverlessUsage', 'lua'))!.doc;
  assert.ok(Math.abs(usage.computeEcpu! - 60_000) < 1e-6, String(usage.computeEcpu));
  assert.equal((await group('lua')).doc.nodeGroups!.length, 2);
  const events = await scalingEvents();
  assert.match(events[0]!.message, /lua is scaling out from 1 to 2 shards: 60000 ECPU\/s per shard \(threshold 50000\)/);
});
