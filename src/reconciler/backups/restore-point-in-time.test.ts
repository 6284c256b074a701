/**
 * Restores from a point-in-time archive, the data side faked: every source shard's archive is
 * replayed to the restore's second (once, whatever the loader asks) and its RDB loaded into the
 * new group's shards; the replays' loaders are closed when the restore ends, on success and on
 * failure; a moment the archive no longer covers ends the group `restore-failed`, with an event.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { PointInTimeNotCoveredError } from '../../snapshots/pitr/index.js';
import { getGroup, groupSpecWrite, type PointInTimeRestoreRequest } from '../../store/index.js';
import type { PointInTimeIO } from '../pitr/deps.js';
import { SnapshotController } from './controller.js';
import { backupDeps, backupServices, drain, messages, seedGroup } from './test-fixtures.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

function fakePitr(o: { notCovered?: boolean } = {}) {
  const replays: Array<{ prefix: string; time: string; requireEncryption: boolean }> = [];
  let closed = 0;
  const io: PointInTimeIO = {
    archiver: () => ({ start: () => undefined, stop: async () => undefined }),
    listRoots: async () => [],
    deleteRoot: async () => 0,
    listShardPrefixes: async () => [],
    expireRemovedShard: async () => ({ bases: 0, segments: 0 }),
    replay: async (r) => {
      if (o.notCovered) throw new PointInTimeNotCoveredError('cannot restore to 2024-01-15T11:00:00Z: it is before the point-in-time archive begins', 'before-archive', []);
      replays.push({ prefix: r.prefix, time: r.time.toISOString(), requireEncryption: r.requireEncryption });
      return { open: async () => Readable.from([Buffer.from(`RDB of ${r.prefix}`)]), close: async () => { closed++; } };
    },
  };
  return { io, replays, closed: () => closed };
}

async function restoring(id: string, pointInTime: PointInTimeRestoreRequest, shards = 0): Promise<void> {
  await seedGroup(t!, id, { shards });
  const g = (await getGroup(t!.store, id))!;
  await t!.store.commit(groupSpecWrite(g, { ...g.doc, restore: { pointInTime, requestedAt: t!.svc.now().toISOString() } }));
  await setGroupStatus(t!.store, id, (x) => { x.status = 'creating'; x.restoreState = { state: 'waiting', attempts: 0 }; });
}

const REQUEST: PointInTimeRestoreRequest = {
  sourceGroup: 'shop', archive: '_pitr/shop/1705316400000/', shards: ['0001', '0002'], time: '2024-01-15T11:00:00.000Z', encrypted: true,
};

describe('restores to a time', () => {
  it('replays every shard of the source to the second and loads them into the new layout', async () => {
    t = await backupServices();
    await restoring('back', REQUEST, 3);
    const pitr = fakePitr();
    await drain(new SnapshotController({ ...backupDeps(t), pitr: pitr.io }));
    const g = (await getGroup(t.store, 'back'))!.doc;
    assert.equal(g.restoreState?.state, 'done');
    assert.deepEqual(pitr.replays, ['0001', '0002'].map((s) => ({ prefix: `_pitr/shop/1705316400000/${s}/`, time: '2024-01-15T11:00:00.000Z', requireEncryption: true })));
    assert.equal(pitr.closed(), 2);
    assert.deepEqual(t.io.restores[0]!.files.map(String), ['RDB of _pitr/shop/1705316400000/0001/', 'RDB of _pitr/shop/1705316400000/0002/']);
    assert.equal(t.io.restores[0]!.shards.length, 3);
    const m = await messages(t);
    assert.ok(m.includes("Restore from the point-in-time archive of replication group 'shop' at 2024-01-15T11:00:00Z succeeded for " +
      "replication group with ID 'back': 2 keys loaded"), m.join('\n'));
  });

  it('a time the archive no longer covers fails the restore for good', async () => {
    t = await backupServices();
    await restoring('back', { ...REQUEST, shards: ['0001'] });
    await drain(new SnapshotController({ ...backupDeps(t), pitr: fakePitr({ notCovered: true }).io }));
    const g = (await getGroup(t.store, 'back'))!.doc;
    assert.deepEqual([g.status, g.restoreState?.state, g.restoreState?.attempts], ['restore-failed', 'failed', 1]);
    assert.ok((await messages(t)).some((m) => m.startsWith("Restore from the point-in-time archive of replication group 'shop' at 2024-01-15T11:00:00Z failed") &&
      m.includes('before the point-in-time archive begins')));
  });
});
