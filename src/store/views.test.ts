/**
 * Desired and observed state kept apart (spec and status records), on the real SQLite store:
 * each side writes only its half, a write of one half never conflicts with the other, the store
 * refuses a spec carrying status fields, and what the API shows follows requests and their acks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CacheClusterSpec, ReplicationGroupSpec } from './records.js';
import { SqliteStore } from './sqlite-store.js';
import { splitLegacyRecords } from './split-migration.js';
import {
  bumped, clusterCreate, clusterSpecOf, clusterSpecWrite, clusterStatusOf, clusterStatusWrite, getCluster, getGroup, groupCreate,
  groupSpecWrite, groupStatusWrite, mergeCluster, OwnershipError, presentedCluster, presentedGroup,
} from './index.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function store(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-views-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'state.db'));
}

const clusterSpec = (id = 'c1'): CacheClusterSpec => ({
  id, arn: `arn:${id}`, createdAt: '', engine: 'redis', engineVersion: '7.0', engineVersionInstalled: '7.0.15', cacheNodeType: 'cache.t3.micro',
  cacheParameterGroupName: 'default.redis7', cacheSubnetGroupName: 'default', port: 6379, securityGroupIds: [],
  preferredMaintenanceWindow: 'sun:05:00-sun:06:00', snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00', autoMinorVersionUpgrade: true,
  transitEncryptionEnabled: false, atRestEncryptionEnabled: false, preferredAvailabilityZone: 'us-east-1a',
  nodes: [{ id: '0001', address: '127.0.0.5', port: 6379, availabilityZone: 'us-east-1a', createdAt: '' }], pending: {},
});

const groupSpec = (): ReplicationGroupSpec => ({
  ...clusterSpec('g'), description: 'd', automaticFailoverEnabled: true, multiAZEnabled: false, memberClusters: ['g-001', 'g-002'],
  primaryClusterId: 'g-001', primaryEndpoint: { address: '127.0.0.6', port: 6379 }, readerEndpoint: { address: '127.0.0.7', port: 6379 }, pending: {},
} as unknown as ReplicationGroupSpec);

test('a cluster with no status record reads as creating; its halves split back out unchanged', () => {
  const c = mergeCluster(clusterSpec(), undefined);
  assert.equal(c.status, 'creating');
  assert.equal(c.nodes[0]!.status, 'creating');
  assert.deepEqual(clusterSpecOf(c), clusterSpec());
  const observed = { ...c, status: 'available' as const, appliedAcl: 'fp', nodes: c.nodes.map((n) => ({ ...n, status: 'available' as const, observed: { role: 'primary' as const } })) };
  const again = mergeCluster(clusterSpecOf(observed), clusterStatusOf(observed));
  assert.deepEqual(again, observed);
});

test('a status write and a spec write of the same resource both land, neither retried nor lost', async () => {
  const s = store();
  await s.commit([clusterCreate(clusterSpec())]);
  const readByApi = (await getCluster(s, 'c1'))!;
  const readByReconciler = (await getCluster(s, 'c1'))!;
  await s.commit(clusterStatusWrite(readByReconciler, { ...readByReconciler.doc, status: 'available', appliedAcl: 'fp' }));
  await s.commit(clusterSpecWrite(readByApi, { ...readByApi.doc, snapshotRetentionLimit: 7 })); // at the spec version it read
  const now = (await getCluster(s, 'c1'))!.doc;
  assert.deepEqual([now.status, now.appliedAcl, now.snapshotRetentionLimit], ['available', 'fp', 7]);
  await s.close();
});

test('each side is refused a write of the other\'s half, and the store refuses a spec carrying status', async () => {
  const s = store();
  await s.commit([clusterCreate(clusterSpec())]);
  const v = (await getCluster(s, 'c1'))!;
  assert.throws(() => clusterSpecWrite(v, { ...v.doc, status: 'available' }), OwnershipError);
  assert.throws(() => clusterStatusWrite(v, { ...v.doc, cacheNodeType: 'cache.r7g.large' }), OwnershipError);
  await assert.rejects(s.commit([{ op: 'update', kind: 'cacheCluster', id: 'c1', doc: v.doc }]), /status field/);
  await s.close();
});

test('what the API shows: modifying until the change is observed, deleting, rebooting until carried out', async () => {
  const s = store();
  await s.commit([clusterCreate(clusterSpec())]);
  let v = (await getCluster(s, 'c1'))!;
  await s.commit(clusterStatusWrite(v, { ...v.doc, status: 'available' }));
  v = (await getCluster(s, 'c1'))!;
  assert.equal(presentedCluster(v.doc).status, 'available');
  await s.commit(clusterSpecWrite(v, bumped(v.doc)));
  v = (await getCluster(s, 'c1'))!;
  assert.equal(presentedCluster(v.doc).status, 'modifying', 'the reconciler has not seen generation 1 yet');
  await s.commit(clusterStatusWrite(v, v.doc)); // a pass over the new spec
  v = (await getCluster(s, 'c1'))!;
  assert.equal(v.doc.observedGeneration, 1);
  assert.equal(presentedCluster(v.doc).status, 'available');

  await s.commit(clusterSpecWrite(v, { ...v.doc, rebootRequests: { '0001': 1 } }));
  v = (await getCluster(s, 'c1'))!;
  assert.deepEqual(v.doc.rebootRequested, ['0001']);
  assert.equal(presentedCluster(v.doc).status, 'rebooting cache cluster nodes');
  assert.equal(presentedCluster(v.doc).nodes[0]!.status, 'rebooting');
  await s.commit(clusterStatusWrite(v, { ...v.doc, rebootsDone: { '0001': 1 } }));
  v = (await getCluster(s, 'c1'))!;
  assert.equal(v.doc.rebootRequested, undefined, 'the request is carried out');
  assert.equal(presentedCluster({ ...v.doc, deleteRequested: true }).status, 'deleting');
  await s.close();
});

test('a group: the observed primary overrides the one named at creation; a failover request shows modifying until started', async () => {
  const s = store();
  await s.commit([groupCreate(groupSpec())]);
  let v = (await getGroup(s, 'g'))!;
  await s.commit(groupStatusWrite(v, { ...v.doc, status: 'available', primaryClusterId: 'g-002', lastFailoverAt: 't' }));
  v = (await getGroup(s, 'g'))!;
  assert.equal(v.doc.primaryClusterId, 'g-002');
  assert.equal(v.spec.primaryClusterId, 'g-001', 'the spec keeps the one named at creation');
  await s.commit(groupSpecWrite(v, { ...v.doc, failoverRequest: { id: 1, reason: 'test-failover', requestedAt: 't' } }));
  v = (await getGroup(s, 'g'))!;
  assert.equal(presentedGroup(v.doc).status, 'modifying');
  await s.commit(groupStatusWrite(v, { ...v.doc, handledFailoverRequest: 1 }));
  v = (await getGroup(s, 'g'))!;
  assert.equal(presentedGroup(v.doc).status, 'available');
  assert.equal(v.doc.primaryClusterId, 'g-002');
  await s.close();
});

test('records of an earlier version are split at start, once', async () => {
  const s = store();
  const legacy = { ...mergeCluster(clusterSpec(), undefined), status: 'available', appliedAcl: 'fp', rebootRequested: ['0001'] };
  delete (legacy as { observedGeneration?: number }).observedGeneration;
  // Written as the earlier version did (its records had no shape check): straight into the table.
  (s as unknown as { db: { prepare(q: string): { run(...a: unknown[]): void } } }).db
    .prepare('INSERT INTO records (kind, id, version, doc) VALUES (?, ?, 1, ?)').run('cacheCluster', 'c1', JSON.stringify(legacy));
  assert.equal(await splitLegacyRecords(s), 1);
  assert.equal(await splitLegacyRecords(s), 0);
  const v = (await getCluster(s, 'c1'))!;
  assert.equal('status' in v.spec, false);
  assert.deepEqual([v.doc.status, v.doc.appliedAcl, v.doc.rebootRequested], ['available', 'fp', ['0001']]);
  await s.close();
});

test('a spec write may add or remove shards (they have no status of their own yet)', async () => {
  const s = store();
  const spec = { ...groupSpec(), clusterEnabled: true, nodeGroups: [{ id: '0001', slots: '0-16383', primaryClusterId: 'g-001', memberClusters: ['g-001', 'g-002'] }] };
  await s.commit([groupCreate(spec)]);
  let v = (await getGroup(s, 'g'))!;
  await s.commit(groupStatusWrite(v, { ...v.doc, status: 'available' }));
  v = (await getGroup(s, 'g'))!;
  const added = { id: '0002', slots: '', primaryClusterId: 'g-0002-001', memberClusters: ['g-0002-001'] };
  await s.commit(groupSpecWrite(v, { ...v.doc, nodeGroups: [...v.doc.nodeGroups!, added] }));
  assert.deepEqual((await getGroup(s, 'g'))!.doc.nodeGroups!.map((ng) => ng.primaryClusterId), ['g-001', 'g-0002-001']);
  await s.close();
});
