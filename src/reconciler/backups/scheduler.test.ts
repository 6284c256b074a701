/**
 * Automatic backups with an injected clock: one backup in each window occurrence, named as
 * ElastiCache names them, taken late by a service that was down when the window opened but never
 * twice, expired after the retention, gone with their group (manual snapshots stay).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { getGroup, groupDelete, listSnapshots } from '../../store/index.js';
import { SnapshotController } from './controller.js';
import { automaticSnapshotName } from './scheduler.js';
import { backupDeps, backupServices, drain, requestSnapshot, seedCluster, seedGroup } from './test-fixtures.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const at = (iso: string) => new Date(iso);
async function snapshots(): Promise<Array<{ name: string; source: string; status: string }>> {
  return (await listSnapshots(t!.store)).map((v) => ({ name: v.doc.name, source: v.doc.source, status: v.doc.status }));
}
/** A pass (and the jobs it starts) at this time. */
async function passAt(iso: string, ctl: SnapshotController): Promise<void> {
  t!.setNow(at(iso));
  await drain(ctl, 3);
}

describe('automatic backups', () => {
  it('names them automatic.<cluster>-YYYY-MM-DD-HH-MM (UTC); groups by their snapshotting replica, sharded groups by their id', () => {
    assert.equal(automaticSnapshotName('orders-002', at('2024-01-15T03:07:59Z')), 'automatic.orders-002-2024-01-15-03-07');
  });

  it('takes one backup when the window opens, none before it and none more in it', async () => {
    t = await backupServices(at('2024-01-15T02:50:00Z'));
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 7, snapshotWindow: '03:00-04:00' } });
    await seedGroup(t, 'shop', { shards: 2, settings: { snapshotRetentionLimit: 1, snapshotWindow: '03:00-04:00' } });
    const ctl = new SnapshotController(backupDeps(t));
    await passAt('2024-01-15T02:59:00Z', ctl);
    assert.deepEqual(await snapshots(), []);
    await passAt('2024-01-15T03:00:00Z', ctl);
    assert.deepEqual(await snapshots(), [
      { name: 'automatic.orders-002-2024-01-15-03-00', source: 'automated', status: 'available' },
      { name: 'automatic.shop-2024-01-15-03-00', source: 'automated', status: 'available' },
    ]);
    for (const m of ['03:20', '03:40', '03:59']) await passAt(`2024-01-15T${m}:00Z`, ctl);
    assert.equal((await snapshots()).length, 2, 'never twice in one window');
    await passAt('2024-01-16T03:01:00Z', ctl);
    assert.deepEqual((await snapshots()).map((s) => s.name).filter((n) => n.includes('orders')),
      ['automatic.orders-002-2024-01-15-03-00', 'automatic.orders-002-2024-01-16-03-01']);
  });

  it('a serverless cache\'s backing group: hidden names, shown as automatic.<cache>-… under the serverless snapshot ARN', async () => {
    t = await backupServices(at('2024-01-15T02:50:00Z'));
    await seedGroup(t, 'serverless--orders', { shards: 1, settings: { snapshotRetentionLimit: 1, snapshotWindow: '03:00-04:00' } });
    await passAt('2024-01-15T03:00:00Z', new SnapshotController(backupDeps(t)));
    const all = await listSnapshots(t.store);
    assert.deepEqual(all.map((v) => [v.doc.name, v.doc.source, v.doc.arn.split(':').slice(5).join(':')]),
      [['serverless--automatic.orders-2024-01-15-03-00', 'automated', 'serverlesscachesnapshot:automatic.orders-2024-01-15-03-00']]);
  });

  it('a service down when the window opened takes it when it is back inside the window; one down through all of it skips the day', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 7, snapshotWindow: '23:30-00:30' } });
    // Down from 23:00 to 00:10: the window (begun the day before) is still open.
    await passAt('2024-01-16T00:10:00Z', new SnapshotController(backupDeps(t)));
    assert.deepEqual((await snapshots()).map((s) => s.name), ['automatic.orders-002-2024-01-16-00-10']);
    assert.equal((await t.store.get('backupSchedule', 'orders'))!.doc.lastWindow, '2024-01-15', 'the occurrence that began on the 15th');
    // Restarted again within the same occurrence: nothing more.
    await passAt('2024-01-16T00:20:00Z', new SnapshotController(backupDeps(t, { owner: 'restarted' })));
    assert.equal((await snapshots()).length, 1);
    // Down through the whole next occurrence (23:30 on the 16th to 00:30 on the 17th): that day is skipped.
    await passAt('2024-01-17T00:45:00Z', new SnapshotController(backupDeps(t, { owner: 'again' })));
    assert.equal((await snapshots()).length, 1);
  });

  it('waits while the group is busy (modifying, snapshotting) and takes it once available, still inside the window', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 7, snapshotWindow: '03:00-04:00' } });
    await setGroupStatus(t.store, 'orders', (g) => { g.status = 'modifying'; });
    const ctl = new SnapshotController(backupDeps(t));
    await passAt('2024-01-15T03:05:00Z', ctl);
    assert.deepEqual(await snapshots(), []);
    await setGroupStatus(t.store, 'orders', (g) => { g.status = 'available'; });
    await passAt('2024-01-15T03:30:00Z', ctl);
    assert.deepEqual((await snapshots()).map((s) => s.name), ['automatic.orders-002-2024-01-15-03-30']);
  });

  it('with automatic backups turned off (--no-automatic-backups) none is taken; expired ones still go', async () => {
    t = await backupServices(at('2024-01-15T03:10:00Z'));
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 1, snapshotWindow: '03:00-04:00' } });
    const ctl = new SnapshotController(backupDeps(t));
    await passAt('2024-01-15T03:10:00Z', ctl);
    assert.equal((await snapshots()).length, 1);
    (t.svc.config as { automaticBackups: boolean }).automaticBackups = false;
    await passAt('2024-01-16T03:10:00Z', ctl);
    assert.deepEqual(await snapshots(), [], 'none taken, yesterday\'s expired');
  });

  it('a standalone cluster is backed up too; retention 0 takes none', async () => {
    t = await backupServices();
    await seedCluster(t, 'solo', { snapshotRetentionLimit: 2, snapshotWindow: '05:00-06:00' });
    await seedCluster(t, 'no-backups', { snapshotRetentionLimit: 0, snapshotWindow: '05:00-06:00' });
    await passAt('2024-01-15T05:10:00Z', new SnapshotController(backupDeps(t)));
    assert.deepEqual((await snapshots()).map((s) => s.name), ['automatic.solo-2024-01-15-05-10']);
  });

  it('expires automatic snapshots after the retention; manual ones stay', async () => {
    t = await backupServices(at('2024-01-15T03:10:00Z'));
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 2, snapshotWindow: '03:00-04:00' } });
    const ctl = new SnapshotController(backupDeps(t));
    await passAt('2024-01-15T03:10:00Z', ctl);
    await requestSnapshot(t, 'orders', 'keep-me');
    await drain(ctl, 3);
    await passAt('2024-01-16T03:10:00Z', ctl);
    await passAt('2024-01-17T02:59:00Z', ctl);
    assert.deepEqual((await snapshots()).map((s) => s.name).sort(),
      ['automatic.orders-002-2024-01-15-03-10', 'automatic.orders-002-2024-01-16-03-10', 'keep-me']);
    await passAt('2024-01-17T03:10:00Z', ctl); // two days after the first: it goes; today's is taken
    assert.deepEqual((await snapshots()).map((s) => s.name).sort(),
      ['automatic.orders-002-2024-01-16-03-10', 'automatic.orders-002-2024-01-17-03-10', 'keep-me']);
  });

  it('automatic snapshots go with their group; manual and final ones stay', async () => {
    t = await backupServices(at('2024-01-15T03:10:00Z'));
    await seedGroup(t, 'orders', { settings: { snapshotRetentionLimit: 7, snapshotWindow: '03:00-04:00' } });
    const ctl = new SnapshotController(backupDeps(t));
    await passAt('2024-01-15T03:10:00Z', ctl);
    await requestSnapshot(t, 'orders', 'manual-one');
    await drain(ctl, 3);
    await t.store.commit(groupDelete((await getGroup(t.store, 'orders'))!));
    await drain(ctl, 3);
    assert.deepEqual((await snapshots()).map((s) => s.name), ['manual-one']);
    assert.equal(await t.store.get('backupSchedule', 'orders'), undefined);
  });
});
