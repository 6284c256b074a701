/**
 * API writes racing the reconciler or another request, on the real SQLite store. The reconciler
 * writes only status records, which API writes never touch: a status write between an action's
 * read and its commit neither makes the action retry nor is overwritten by it. Another request's
 * write in between is never overwritten either (the action runs again on top of it), and a race
 * the action cannot win ends in the resource's state fault, never a 500.
 * The race is made deterministic by a store that runs the other writer just before a commit.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import AddTagsToResource from './AddTagsToResource.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import DecreaseReplicaCount from './DecreaseReplicaCount.js';
import type { ActionFactory } from './define.js';
import { callWithStore, racing } from './racing-store.js';
import ModifyCacheCluster from './ModifyCacheCluster.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import TestFailover from './TestFailover.js';
import { assertFault, fakeEngine, insertCacheCluster, makeTestServices, type TestServices } from './test-services.js';
import { CONFLICT_ATTEMPTS } from '../../resources/commit.js';
import { getCluster, getGroup, type StateStore } from '../../store/index.js';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const GROUP = 'race';

function callOn(store: StateStore, action: ActionFactory, input: object): Promise<any> {
  return callWithStore(t!.svc, store, action, input);
}

/** The reconciler recording what it observed on a cluster (its status half), at the version it read. */
async function reconcilerObserves(id: string, appliedAcl: string): Promise<void> {
  await setClusterStatus(t!.store, id, (c) => { c.appliedAcl = appliedAcl; });
}

/** Another request changing a cluster's spec (a field of its own, not one its group sets), at the version it read. */
async function otherRequestChanges(id: string, n: number): Promise<void> {
  const c = (await t!.store.get('cacheCluster', id))!;
  await t!.store.commit([{ op: 'update', kind: 'cacheCluster', id, doc: { ...c.doc, preferredAvailabilityZone: `zone-${n}` }, expectVersion: c.version }]);
}

/** A group of three available members with automatic failover, as the reconciler leaves it. */
async function setup(): Promise<void> {
  t = await makeTestServices({ engines: [fakeEngine()] });
  await t.call(CreateReplicationGroup, {
    ReplicationGroupId: GROUP, ReplicationGroupDescription: 'd', NumCacheClusters: 3, CacheNodeType: 'cache.t3.micro', AutomaticFailoverEnabled: true,
  });
  for (const c of await t.store.list('cacheCluster')) {
    await setClusterStatus(t.store, c.id, (x) => { x.status = 'available'; for (const n of x.nodes) n.status = 'available'; });
  }
  await setGroupStatus(t.store, GROUP, (g) => { g.status = 'available'; });
}

test('ModifyReplicationGroup neither retries for nor overwrites what the reconciler wrote to a member meanwhile', async () => {
  await setup();
  const r = racing(t!.store, async (n) => { if (n === 1) await reconcilerObserves(`${GROUP}-002`, 'acl-observed'); });
  await callOn(r.store, ModifyReplicationGroup, { ReplicationGroupId: GROUP, SnapshotRetentionLimit: 7, ApplyImmediately: true });
  assert.equal(r.commits(), 1, 'a status write does not conflict with a spec write');
  const member = (await getCluster(t!.store, `${GROUP}-002`))!.doc;
  assert.equal(member.appliedAcl, 'acl-observed', 'the reconciler\'s write was lost');
  assert.equal(member.snapshotRetentionLimit, 7);
  assert.equal((await t!.store.get('replicationGroup', GROUP))!.doc.snapshotRetentionLimit, 7);
});

test('ModifyCacheCluster racing a reconciler write applies on top of it', async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  await insertCacheCluster(t.svc, 'solo');
  const r = racing(t.store, async (n) => { if (n === 1) await reconcilerObserves('solo', 'acl-observed'); });
  await callOn(r.store, ModifyCacheCluster, { CacheClusterId: 'solo', SnapshotRetentionLimit: 3, ApplyImmediately: true });
  const c = (await getCluster(t.store, 'solo'))!.doc;
  assert.deepEqual([c.appliedAcl, c.snapshotRetentionLimit], ['acl-observed', 3]);
});

test('ModifyReplicationGroup racing another request on a member runs again on top of it', async () => {
  await setup();
  const r = racing(t!.store, async (n) => { if (n === 1) await otherRequestChanges(`${GROUP}-002`, 4); });
  await callOn(r.store, ModifyReplicationGroup, { ReplicationGroupId: GROUP, SnapshotRetentionLimit: 7, ApplyImmediately: true });
  assert.equal(r.commits(), 2, 'the action ran again after losing the race');
  const member = (await getCluster(t!.store, `${GROUP}-002`))!.doc;
  assert.deepEqual([member.preferredAvailabilityZone, member.snapshotRetentionLimit], ['zone-4', 7]);
});

test('a race lost on every attempt is the state fault (400) and changes nothing of the request', async () => {
  await setup();
  const r = racing(t!.store, (n) => otherRequestChanges(`${GROUP}-001`, n));
  const err = await assertFault(callOn(r.store, ModifyReplicationGroup, { ReplicationGroupId: GROUP, SnapshotRetentionLimit: 7, ApplyImmediately: true }),
    'InvalidCacheClusterState', 400);
  assert.match(err.message, /race-001/);
  assert.equal(r.commits(), CONFLICT_ATTEMPTS);
  assert.equal((await t!.store.get('replicationGroup', GROUP))!.doc.snapshotRetentionLimit, 0);
});

test('when the fresh state forbids the change, the retry answers with the action\'s own state fault', async () => {
  await setup();
  // Meanwhile another request deletes the group: TestFailover, run again on the fresh spec, must refuse.
  const r = racing(t!.store, async (n) => {
    if (n !== 1) return;
    const g = (await t!.store.get('replicationGroup', GROUP))!;
    await t!.store.commit([{ op: 'update', kind: 'replicationGroup', id: GROUP, doc: { ...g.doc, deleteRequested: true }, expectVersion: g.version }]);
  });
  await assertFault(callOn(r.store, TestFailover, { ReplicationGroupId: GROUP, NodeGroupId: '0001' }), 'InvalidReplicationGroupState', 400);
  assert.equal(r.commits(), 1);
  assert.equal((await getGroup(t!.store, GROUP))!.doc.failoverRequest, undefined);
});

test('DecreaseReplicaCount racing a reconciler write on the replica it removes still removes it, keeping that write', async () => {
  await setup();
  const r = racing(t!.store, async (n) => { if (n === 1) await reconcilerObserves(`${GROUP}-003`, 'acl-observed'); });
  await callOn(r.store, DecreaseReplicaCount, { ReplicationGroupId: GROUP, NewReplicaCount: 1, ApplyImmediately: true });
  const removed = (await getCluster(t!.store, `${GROUP}-003`))!.doc;
  assert.deepEqual([removed.deleteRequested, removed.appliedAcl], [true, 'acl-observed']);
  assert.deepEqual((await t!.store.get('replicationGroup', GROUP))!.doc.memberClusters, [`${GROUP}-001`, `${GROUP}-002`]);
});

test('two AddTagsToResource calls racing on one resource keep both tags', async () => {
  await setup();
  const arn = (await t!.store.get('replicationGroup', GROUP))!.doc.arn;
  const r = racing(t!.store, async (n) => { if (n === 1) await t!.call(AddTagsToResource, { ResourceName: arn, Tags: [{ Key: 'team', Value: 'a' }] }); });
  await callOn(r.store, AddTagsToResource, { ResourceName: arn, Tags: [{ Key: 'env', Value: 'prod' }] });
  assert.deepEqual((await t!.store.get('tags', arn))!.doc.tags, [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'prod' }]);
});
