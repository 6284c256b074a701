/**
 * Serverless cache snapshots on the backups machinery: a snapshot of the backing group under a
 * hidden name, shown by the serverless actions only; restores of a new cache from one; a final
 * snapshot on deletion.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import CreateServerlessCacheSnapshot from './CreateServerlessCacheSnapshot.js';
import DeleteServerlessCache from './DeleteServerlessCache.js';
import DeleteServerlessCacheSnapshot from './DeleteServerlessCacheSnapshot.js';
import DescribeServerlessCacheSnapshots from './DescribeServerlessCacheSnapshots.js';
import DescribeSnapshots from './DescribeSnapshots.js';
import CopyServerlessCacheSnapshot from './CopyServerlessCacheSnapshot.js';
import ExportServerlessCacheSnapshot from './ExportServerlessCacheSnapshot.js';
import DeleteSnapshot from './DeleteSnapshot.js';
import AddTagsToResource from './AddTagsToResource.js';
import ListTagsForResource from './ListTagsForResource.js';
import { createCache, setServerlessStatus } from './serverless-fixtures.js';
import { assertFault, fakeEngine, makeTestServices, type TestServices } from './test-services.js';
import { setGroupStatus } from '../../resources/test-services.js';
import { getGroup, getSnapshot, snapshotStatusWrite } from '../../store/index.js';

let t: TestServices;
beforeEach(async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  await createCache(t, 'orders');
  await setServerlessStatus(t.store, 'orders', 'available');
  await setGroupStatus(t.store, 'serverless--orders', (g) => { g.status = 'available'; });
});
afterEach(async () => { await t.close(); });

const SNAP_ARN = 'arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:nightly';

async function snapshotAvailable(stored: string): Promise<void> {
  const v = (await getSnapshot(t.store, stored))!;
  await t.store.commit(snapshotStatusWrite(v, { ...v.doc.work, status: 'available', nodeSnapshots: [{
    nodeGroupId: '0001', objectKey: 'k', rdbBytes: 2048, storedBytes: 100, snapshotCreateTime: new Date().toISOString() }] }));
}

test('a serverless snapshot is a hidden snapshot of the backing group, shown by the serverless actions only', async () => {
  const out = (await t.call(CreateServerlessCacheSnapshot, { ServerlessCacheName: 'orders', ServerlessCacheSnapshotName: 'Nightly' })).ServerlessCacheSnapshot;
  assert.equal(out.ServerlessCacheSnapshotName, 'nightly');
  assert.equal(out.Status, 'creating');
  assert.equal(out.ARN, SNAP_ARN);
  assert.deepEqual(out.ServerlessCacheConfiguration, { ServerlessCacheName: 'orders', Engine: 'redis', MajorEngineVersion: '7' });
  assert.equal((await getGroup(t.store, 'serverless--orders'))!.spec.snapshotting, 'serverless--nightly');
  await assertFault(t.call(CreateServerlessCacheSnapshot, { ServerlessCacheName: 'orders', ServerlessCacheSnapshotName: 'nightly' }), 'ServerlessCacheSnapshotAlreadyExistsFault');
  // Tags by its serverless ARN; a snapshot of that kind that does not exist is named as such.
  await t.call(AddTagsToResource, { ResourceName: SNAP_ARN, Tags: [{ Key: 'team', Value: 'orders' }] });
  assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: SNAP_ARN })).TagList, [{ Key: 'team', Value: 'orders' }]);
  await assertFault(t.call(ListTagsForResource, { ResourceName: SNAP_ARN.replace('nightly', 'weekly') }), 'ServerlessCacheSnapshotNotFoundFault');
  await assertFault(t.call(DeleteServerlessCacheSnapshot, { ServerlessCacheSnapshotName: 'nightly' }), 'InvalidServerlessCacheSnapshotStateFault');

  assert.deepEqual((await t.call(DescribeSnapshots, {})).Snapshots, []);
  await assertFault(t.call(DescribeSnapshots, { SnapshotName: 'serverless--nightly' }), 'SnapshotNotFoundFault');
  await assertFault(t.call(DeleteSnapshot, { SnapshotName: 'serverless--nightly' }), 'SnapshotNotFoundFault');
  const byCache = (await t.call(DescribeServerlessCacheSnapshots, { ServerlessCacheName: 'orders' })).ServerlessCacheSnapshots;
  assert.deepEqual(byCache.map((s: any) => s.ServerlessCacheSnapshotName), ['nightly']);
  await assertFault(t.call(DescribeServerlessCacheSnapshots, { ServerlessCacheName: 'nope' }), 'ServerlessCacheNotFoundFault');

  await snapshotAvailable('serverless--nightly');
  const shown = (await t.call(DescribeServerlessCacheSnapshots, { ServerlessCacheSnapshotName: 'nightly' })).ServerlessCacheSnapshots[0];
  assert.equal(shown.Status, 'available');
  assert.equal(shown.BytesUsedForCache, '2048');

  // A copy kept by the service: the source shows `copying` until the controller has written it.
  const copy = (await t.call(CopyServerlessCacheSnapshot, { SourceServerlessCacheSnapshotName: 'nightly', TargetServerlessCacheSnapshotName: 'nightly-copy' })).ServerlessCacheSnapshot;
  assert.equal(copy.Status, 'creating');
  assert.equal((await getSnapshot(t.store, 'serverless--nightly-copy'))!.spec.origin.kind, 'copy');
  await assertFault(t.call(CopyServerlessCacheSnapshot, { SourceServerlessCacheSnapshotName: 'nightly', TargetServerlessCacheSnapshotName: 'nightly-copy' }),
    'ServerlessCacheSnapshotAlreadyExistsFault');
  await assertFault(t.call(CopyServerlessCacheSnapshot, { SourceServerlessCacheSnapshotName: 'nightly-copy', TargetServerlessCacheSnapshotName: 'x' }),
    'InvalidServerlessCacheSnapshotStateFault');
  const exported = (await t.call(ExportServerlessCacheSnapshot, { ServerlessCacheSnapshotName: 'nightly', S3BucketName: 'exports' })).ServerlessCacheSnapshot;
  assert.equal(exported.Status, 'copying');
  assert.deepEqual((await getSnapshot(t.store, 'serverless--nightly'))!.spec.holds?.map((h) => [h.kind, h.by, h.bucket]),
    [['copy', 'serverless--nightly-copy', undefined], ['export', 'nightly', 'exports']]);

  // A new cache restored from it: its backing group loads the snapshot before it turns available.
  await createCache(t, 'restored', { SnapshotArnsToRestore: [SNAP_ARN] });
  assert.equal((await getGroup(t.store, 'serverless--restored'))!.spec.restore?.snapshotName, 'serverless--nightly');

  // Held by the restore (as any snapshot is): it cannot be deleted until the restore ends.
  assert.equal((await t.call(DescribeServerlessCacheSnapshots, { ServerlessCacheSnapshotName: 'nightly' })).ServerlessCacheSnapshots[0].Status, 'restoring');
  await assertFault(t.call(DeleteServerlessCacheSnapshot, { ServerlessCacheSnapshotName: 'nightly' }), 'InvalidServerlessCacheSnapshotStateFault');
});

test('DeleteServerlessCache with FinalSnapshotName: the backing group\'s deletion waits for a final snapshot', async () => {
  const out = await t.call(DeleteServerlessCache, { ServerlessCacheName: 'orders', FinalSnapshotName: 'last' });
  assert.equal(out.ServerlessCache.Status, 'deleting');
  const g = (await getGroup(t.store, 'serverless--orders'))!.spec;
  assert.equal(g.deleteRequested, true);
  assert.equal(g.finalSnapshotName, 'serverless--last');
  const s = (await getSnapshot(t.store, 'serverless--last'))!.doc;
  assert.equal(s.final, true);
  assert.deepEqual((await t.call(DescribeServerlessCacheSnapshots, {})).ServerlessCacheSnapshots.map((x: any) => x.ServerlessCacheSnapshotName), ['last']);
});
