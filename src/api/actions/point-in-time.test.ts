/**
 * Point-in-time restore through the tags (resources/point-in-time.ts): the setting's values, the
 * restore tags' rules, and a restore to a time the archive covers or does not, each refused with
 * AWS's error and nothing changed, or recorded on the new group for the restore job.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { archivePrefix, archiveRoot, parseRestoreTime, PITR_TAG, RESTORE_SOURCE_TAG, RESTORE_TIME_TAG } from '../../resources/point-in-time.js';
import { baseKey, segmentKey } from '../../snapshots/pitr/names.js';
import { getGroup } from '../../store/index.js';
import AddTagsToResource from './AddTagsToResource.js';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import DescribePointInTimeRestoreWindows from './DescribePointInTimeRestoreWindows.js';
import { availableSnapshot, group, IPC, IVP, shardedGroup, snapshotServices } from './snapshot-fixtures.js';
import { assertFaultChangesNothing, type TestServices } from './test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const NOW = Date.parse('2024-01-15T12:00:00Z');
const REPLID = 'a'.repeat(40);
const on = [{ Key: PITR_TAG, Value: 'enabled' }];
const restoreTags = (source: string, time: string) => [{ Key: RESTORE_SOURCE_TAG, Value: source }, { Key: RESTORE_TIME_TAG, Value: time }];
const create = (id: string, extra: object = {}) => ({ ReplicationGroupId: id, ReplicationGroupDescription: 'restored', CacheNodeType: 'cache.t3.micro', ...extra });

/** An archive of `group`'s shard covering [fromMs, toMs): a base and one segment from it. */
async function archive(t: TestServices, id: string, shard: string, fromMs: number, toMs: number): Promise<void> {
  const g = (await getGroup(t.store, id))!.doc;
  const prefix = archivePrefix(archiveRoot(g), shard);
  const put = (key: string) => t.io.storage.snapshots.put(key, Readable.from([Buffer.from('x')]));
  await put(baseKey(prefix, { ms: fromMs, line: 'b'.repeat(12), offset: 100, replid: REPLID }));
  await put(segmentKey(prefix, { startMs: fromMs, endMs: toMs, line: 'b'.repeat(12), startOffset: 100, endOffset: 200, replid: REPLID }));
}

describe('point-in-time restore via tags', () => {
  test('bad tags and restores get AWS errors and change nothing', async () => {
    t = await snapshotServices();
    await group(t, 'plain');
    await group(t, 'src', { Tags: on });
    await archive(t, 'src', '0001', NOW - 3600_000, NOW - 60_000);
    await shardedGroup(t, 'shop', 2, { Tags: on });
    await availableSnapshot(t, 'plain', 'nightly');
    const groupArn = 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:plain';
    const within = new Date(NOW - 600_000).toISOString();
    const cases: Array<{ name: string; call: () => Promise<unknown>; code: string; message?: RegExp }> = [
      { name: 'an unknown value of the setting', code: IVP, message: /use enabled or disabled/,
        call: () => t!.call(CreateReplicationGroup, create('x1', { Tags: [{ Key: PITR_TAG, Value: 'yes' }] })) },
      { name: 'the setting on a cache cluster', code: IVP, message: /replication groups only/,
        call: () => t!.call(CreateCacheCluster, { CacheClusterId: 'solo', CacheNodeType: 'cache.t3.micro', Tags: on }) },
      { name: 'restore tags added to an existing group', code: IVP, message: /cannot be added later/,
        call: () => t!.call(AddTagsToResource, { ResourceName: groupArn, Tags: restoreTags('src', within) }) },
      { name: 'an unknown value added later', code: IVP,
        call: () => t!.call(AddTagsToResource, { ResourceName: groupArn, Tags: [{ Key: PITR_TAG, Value: 'ENABLED!' }] }) },
      { name: 'a source without a time', code: IPC, message: /needs both tags/,
        call: () => t!.call(CreateReplicationGroup, create('x2', { Tags: [{ Key: RESTORE_SOURCE_TAG, Value: 'src' }] })) },
      { name: 'a time that is not one', code: IVP, message: /ISO-8601/,
        call: () => t!.call(CreateReplicationGroup, create('x3', { Tags: restoreTags('src', 'yesterday') })) },
      { name: 'a source that does not exist', code: 'ReplicationGroupNotFoundFault',
        call: () => t!.call(CreateReplicationGroup, create('x4', { Tags: restoreTags('nope', within) })) },
      { name: 'a source without the setting', code: IVP, message: /keeps no point-in-time archive/,
        call: () => t!.call(CreateReplicationGroup, create('x5', { Tags: restoreTags('plain', within) })) },
      { name: 'a time before the archive', code: IVP, message: /before the point-in-time archive begins.*restorable times of replication group src: 2024-01-15T11:00:00Z to 2024-01-15T11:58:59Z/,
        call: () => t!.call(CreateReplicationGroup, create('x6', { Tags: restoreTags('src', '2024-01-15T10:00:00Z') })) },
      { name: 'a time after the archive', code: IVP, message: /reaches only to 2024-01-15T11:58:59Z/,
        call: () => t!.call(CreateReplicationGroup, create('x7', { Tags: restoreTags('src', String(NOW / 1000 - 30)) })) },
      { name: 'a sharded source with no archive yet', code: IVP, message: /holds no restorable moment/,
        call: () => t!.call(CreateReplicationGroup, create('x8', { Tags: restoreTags('shop', within) })) },
      { name: 'a sharded source into cluster mode disabled', code: IPC, message: /cluster mode disabled/,
        call: () => t!.call(CreateReplicationGroup, create('x9', { NumCacheClusters: 1, Tags: restoreTags('shop', within) })) },
      { name: 'together with SnapshotName', code: IPC,
        call: () => t!.call(CreateReplicationGroup, create('x10', { SnapshotName: 'nightly', Tags: restoreTags('src', within) })) },
      { name: 'into a cache cluster', code: IVP, message: /creates a replication group/,
        call: () => t!.call(CreateCacheCluster, { CacheClusterId: 'solo2', CacheNodeType: 'cache.t3.micro', Tags: restoreTags('src', within) }) },
    ];
    for (const c of cases) {
      const err = await assertFaultChangesNothing(t.svc, c.call, c.code).catch((e: Error) => { throw new Error(`${c.name}: ${e.message}`); });
      if (c.message) assert.match(err.message, c.message, c.name);
    }
  });

  test('a covered time is recorded on the new group, and a sharded source gives its shape', async () => {
    t = await snapshotServices();
    await group(t, 'src', { Tags: on, AtRestEncryptionEnabled: true });
    await archive(t, 'src', '0001', NOW - 3600_000, NOW - 60_000);
    await t.call(CreateReplicationGroup, create('back', { Tags: restoreTags('src', '2024-01-15T11:30:00.700Z') }));
    const g = (await getGroup(t.store, 'back'))!.doc;
    const src = (await getGroup(t.store, 'src'))!.doc;
    assert.deepEqual(g.restore?.pointInTime, {
      sourceGroup: 'src', archive: archiveRoot(src), shards: ['0001'], time: '2024-01-15T11:30:00.000Z', encrypted: true,
    });
    const events = (await t.store.queryEvents({})).map((e) => e.message);
    assert.ok(events.some((m) => m.includes('from the point-in-time archive of replication group src at 2024-01-15T11:30:00Z')), events.join('\n'));

    await shardedGroup(t, 'shop', 3, { Tags: on });
    for (const s of ['0001', '0002', '0003']) await archive(t, 'shop', s, NOW - 3600_000, NOW - (s === '0002' ? 1200_000 : 60_000));
    await assertFaultChangesNothing(t.svc, () => t!.call(CreateReplicationGroup, create('late', { Tags: restoreTags('shop', new Date(NOW - 600_000).toISOString()) })), IVP);
    await t.call(CreateReplicationGroup, create('shop2', { Tags: restoreTags('shop', new Date(NOW - 1800_000).toISOString()) }));
    const s2 = (await getGroup(t.store, 'shop2'))!.doc;
    assert.equal(s2.nodeGroups?.length, 3);
    assert.deepEqual(s2.restore?.pointInTime?.shards, ['0001', '0002', '0003']);

    // A shard removed by a resharding (its archive kept): replayed for a time it held keys, not after.
    await shardedGroup(t, 'mall', 2, { Tags: on });
    for (const s of ['0001', '0002']) await archive(t, 'mall', s, NOW - 3600_000, NOW - 60_000);
    await archive(t, 'mall', '0003', NOW - 3600_000, NOW - 1200_000);
    await t.call(CreateReplicationGroup, create('mall-then', { Tags: restoreTags('mall', new Date(NOW - 1800_000).toISOString()) }));
    assert.deepEqual((await getGroup(t.store, 'mall-then'))!.doc.restore?.pointInTime?.shards, ['0001', '0002', '0003']);
    await t.call(CreateReplicationGroup, create('mall-now', { Tags: restoreTags('mall', new Date(NOW - 600_000).toISOString()) }));
    assert.deepEqual((await getGroup(t.store, 'mall-now'))!.doc.restore?.pointInTime?.shards, ['0001', '0002']);
  });

  test('DescribePointInTimeRestoreWindows: the stretches every shard covers', async () => {
    t = await snapshotServices();
    await shardedGroup(t, 'shop', 2, { Tags: on });
    await group(t, 'plain');
    await archive(t, 'shop', '0001', NOW - 3600_000, NOW - 60_000);
    await archive(t, 'shop', '0002', NOW - 1800_000, NOW - 30_000);
    const out = await t.call(DescribePointInTimeRestoreWindows, { ReplicationGroupId: 'shop' });
    assert.deepEqual(out, { ReplicationGroupId: 'shop', PointInTimeRestoreEnabled: true, RestoreWindows: [
      { EarliestRestorableTime: new Date('2024-01-15T11:30:00Z'), LatestRestorableTime: new Date('2024-01-15T11:58:59Z') }] });
    assert.deepEqual(await t.call(DescribePointInTimeRestoreWindows, { ReplicationGroupId: 'plain' }),
      { ReplicationGroupId: 'plain', PointInTimeRestoreEnabled: false, RestoreWindows: [] });
    await assertFaultChangesNothing(t.svc, () => t!.call(DescribePointInTimeRestoreWindows, { ReplicationGroupId: 'nope' }), 'ReplicationGroupNotFoundFault');
  });

  test('restore times: ISO-8601 with a zone or epoch seconds, to the second', () => {
    assert.equal(parseRestoreTime('2024-01-15T12:00:00Z'), NOW / 1000);
    assert.equal(parseRestoreTime('2024-01-15T12:00:00.999Z'), NOW / 1000);
    assert.equal(parseRestoreTime('2024-01-15T13:00:00+01:00'), NOW / 1000);
    assert.equal(parseRestoreTime(String(NOW / 1000)), NOW / 1000);
    for (const bad of ['2024-01-15 12:00:00', '2024-01-15T12:00:00', 'now', '', '-5']) assert.throws(() => parseRestoreTime(bad), /ISO-8601/);
  });
});
