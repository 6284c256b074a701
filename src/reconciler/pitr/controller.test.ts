/**
 * The archive controller on fakes: archivers follow the tag (started per shard, restarted when the
 * retention changes, stopped when the tag goes or the group is deleted), follow a replica and the
 * shard's new members after a failover, and archives go when no longer wanted — but not while a
 * restore reads them; a restarted controller finds archives of groups deleted meanwhile. Events
 * tell of the recording's start, of gaps, and of deletions.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { archiveRoot, PITR_TAG } from '../../resources/point-in-time.js';
import { setClusterStatus, setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { getGroup, groupDelete, groupSpecWrite, listClusters, listGroups } from '../../store/index.js';
import { silentLogger } from '../../util/logger.js';
import { backupServices, messages, seedGroup } from '../backups/test-fixtures.js';
import { ArchiveController } from './controller.js';
import type { ArchiveOptions, PointInTimeIO } from './deps.js';

class FakePitr implements PointInTimeIO {
  readonly started: ArchiveOptions[] = [];
  readonly stopped: string[] = [];
  readonly deleted: string[] = [];
  roots = new Set<string>();
  archiver(o: ArchiveOptions) {
    this.started.push(o);
    this.roots.add(o.prefix.split('/').slice(0, 3).join('/') + '/');
    return { start: () => undefined, stop: async () => { this.stopped.push(o.prefix); } };
  }
  async listRoots() { return [...this.roots]; }
  async deleteRoot(root: string) { this.deleted.push(root); this.roots.delete(root); return 3; }
  /** Shard prefixes present beyond those of the archivers started (a removed shard's). */
  readonly extraShards = new Set<string>();
  readonly expired: Array<{ prefix: string; retentionMs: number }> = [];
  /** What expireRemovedShard answers: `deleted` set means the archive was deleted whole. */
  expireAnswer: { bases: number; segments: number; deleted?: number } = { bases: 1, segments: 2 };
  async listShardPrefixes(root: string) {
    return [...new Set([...this.started.map((s) => s.prefix), ...this.extraShards])].filter((p) => p.startsWith(root)).sort();
  }
  async expireRemovedShard(prefix: string, retentionMs: number) {
    this.expired.push({ prefix, retentionMs });
    if (this.expireAnswer.deleted !== undefined) this.extraShards.delete(prefix);
    return this.expireAnswer;
  }
  async replay() { return { open: async () => Readable.from([]), close: async () => undefined }; }
}

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

async function tag(t: TestServices, id: string, value: string | undefined): Promise<void> {
  const arn = (await getGroup(t.store, id))!.doc.arn;
  const found = await t.store.get('tags', arn);
  const tags = value === undefined ? [] : [{ Key: PITR_TAG, Value: value }];
  if (found) await t.store.commit([tags.length ? { op: 'update', kind: 'tags', id: arn, doc: { arn, tags }, expectVersion: found.version } : { op: 'delete', kind: 'tags', id: arn, expectVersion: found.version }]);
  else if (tags.length) await t.store.commit([{ op: 'create', kind: 'tags', id: arn, doc: { arn, tags } }]);
}

function controller(t: TestServices, pitr: FakePitr): { ctl: ArchiveController; pass: () => Promise<void> } {
  const ctl = new ArchiveController({ svc: t.svc, pitr, logger: silentLogger, kick: () => undefined, nodeOptions: () => ({ auth: { password: 'admin' } }) });
  // A pass, and the one a stop or deletion ending asks for (kick).
  const pass = async () => {
    for (let i = 0; i < 2; i++) {
      const groups = (await listGroups(t.store)).map((g) => g.doc);
      const clusters = new Map((await listClusters(t.store)).map((c) => [c.id, c.doc]));
      await ctl.reconcile({ groups, clusters });
      await ctl.idle();
    }
  };
  return { ctl, pass };
}

describe('point-in-time archive controller', () => {
  test('one archiver per shard of a tagged group, following a replica, then the new one after a failover', async () => {
    t = await backupServices();
    await seedGroup(t, 'plain');
    await seedGroup(t, 'orders', { replicas: 2 });
    await seedGroup(t, 'shop', { shards: 2 });
    await tag(t, 'orders', 'enabled');
    await tag(t, 'shop', 'enabled');
    await tag(t, 'plain', 'disabled');
    const pitr = new FakePitr();
    const { ctl, pass } = controller(t, pitr);
    await pass();
    assert.deepEqual(ctl.recording, ['orders/0001', 'shop/0001', 'shop/0002']);
    const orders = (await getGroup(t.store, 'orders'))!.doc;
    const o = pitr.started.find((s) => s.prefix.startsWith('_pitr/orders/'))!;
    assert.equal(o.prefix, `${archiveRoot(orders)}0001/`);
    assert.equal(o.retentionMs, 86_400_000, 'retention 0: the archive keeps one day');
    const replica = (await listClusters(t.store)).find((c) => c.id === 'orders-002')!.doc.nodes[0]!;
    assert.deepEqual(o.source(), { address: replica.address, port: replica.port, auth: { password: 'admin' } });
    // orders-002 stops answering: the next connection follows the other replica.
    await setClusterStatus(t.store, 'orders-002', (c) => { c.nodes[0]!.observed = { ...c.nodes[0]!.observed!, lastError: 'ECONNREFUSED' }; });
    await pass();
    assert.equal(o.source()?.address, (await listClusters(t.store)).find((c) => c.id === 'orders-003')!.doc.nodes[0]!.address);
    const s2 = pitr.started.find((s) => s.prefix.endsWith('/0002/'))!;
    assert.match(s2.source()!.address, /^127\.77\./);
    assert.equal(pitr.started.length, 3, 'a pass over unchanged groups starts nothing');

    // Events: the first line, and a later one after a gap.
    o.onNewLine({ at: Date.parse('2024-01-15T12:00:00Z') });
    o.onNewLine({ at: Date.parse('2024-01-15T12:10:00Z'), previous: { endMs: Date.parse('2024-01-15T12:05:00Z') } });
    await new Promise((r) => setTimeout(r, 20));
    const m = await messages(t);
    assert.ok(m.includes('Point-in-time recording started for node group 0001 of replication group orders'), m.join('\n'));
    assert.ok(m.includes('Point-in-time recording of node group 0001 of replication group orders could not continue and began again at ' +
      '2024-01-15T12:10:00Z: times from 2024-01-15T12:05:00Z to then cannot be restored'), m.join('\n'));
  });

  test('a group being created gets its archiver once it has formed and a member answers', async () => {
    t = await backupServices();
    await seedGroup(t, 'fresh');
    await tag(t, 'fresh', 'enabled');
    await setGroupStatus(t.store, 'fresh', (g) => { g.status = 'creating'; });
    const pitr = new FakePitr();
    const { ctl, pass } = controller(t, pitr);
    await pass();
    assert.deepEqual(ctl.recording, []);
    await setGroupStatus(t.store, 'fresh', (g) => { g.status = 'available'; });
    for (const id of ['fresh-001', 'fresh-002']) {
      await setClusterStatus(t.store, id, (c) => { c.nodes[0]!.observed = { ...c.nodes[0]!.observed!, lastError: 'ECONNREFUSED' }; });
    }
    await pass();
    assert.deepEqual(ctl.recording, [], 'no member answers');
    await setClusterStatus(t.store, 'fresh-001', (c) => { const { lastError: _e, ...o } = c.nodes[0]!.observed!; c.nodes[0]!.observed = o; });
    await pass();
    assert.deepEqual(ctl.recording, ['fresh/0001']);
    assert.equal(pitr.started[0]!.source()?.address, (await listClusters(t.store)).find((c) => c.id === 'fresh-001')!.doc.nodes[0]!.address,
      'the primary, while no replica answers');
  });

  test('a retention change restarts the archiver; the tag removed stops it and deletes the archive, not while a restore reads it', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await tag(t, 'orders', 'enabled');
    const pitr = new FakePitr();
    const { ctl, pass } = controller(t, pitr);
    await pass();
    const g = (await getGroup(t.store, 'orders'))!;
    await t.store.commit(groupSpecWrite(g, { ...g.doc, snapshotRetentionLimit: 7 }));
    await pass();
    assert.deepEqual(pitr.stopped, [`${archiveRoot(g.doc)}0001/`]);
    assert.equal(pitr.started.length, 2);
    assert.equal(pitr.started[1]!.retentionMs, 7 * 86_400_000);
    assert.deepEqual(pitr.deleted, [], 'a restart keeps the archive');

    // A restore from the archive is loading: the archive stays until it ends.
    await seedGroup(t, 'back', { spec: { restore: { requestedAt: '2024-01-15T12:00:00Z', pointInTime: {
      sourceGroup: 'orders', archive: archiveRoot(g.doc), shards: ['0001'], time: '2024-01-15T11:00:00.000Z', encrypted: false } } } });
    await tag(t, 'orders', undefined);
    await pass();
    assert.deepEqual(ctl.recording, []);
    assert.deepEqual(pitr.deleted, [], 'held by the restore');
    const back = (await getGroup(t.store, 'back'))!;
    await t.store.commit(groupDelete(back));
    await pass();
    assert.deepEqual(pitr.deleted, [archiveRoot(g.doc)]);
    assert.ok((await messages(t)).includes('Point-in-time restore turned off for replication group orders: recording stopped and its archive deleted'));
  });

  test('a deleted group takes its archive with it, also when it went while no controller ran', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await seedGroup(t, 'gone');
    await tag(t, 'orders', 'enabled');
    await tag(t, 'gone', 'enabled');
    const pitr = new FakePitr();
    const first = controller(t, pitr);
    await first.pass();
    const orders = (await getGroup(t.store, 'orders'))!;
    await t.store.commit(groupSpecWrite(orders, { ...orders.doc, deleteRequested: true }));
    await first.pass();
    assert.deepEqual(first.ctl.recording, ['gone/0001']);
    assert.deepEqual(pitr.deleted, [archiveRoot(orders.doc)]);
    assert.ok((await messages(t)).includes('Point-in-time archive of replication group orders deleted with the replication group'));
    // The service stops; `gone` is deleted meanwhile; a new controller finds its archive and deletes it.
    await first.ctl.stop();
    const gone = (await getGroup(t.store, 'gone'))!;
    await t.store.commit(groupDelete(gone));
    const second = controller(t, pitr);
    await second.pass();
    assert.deepEqual(pitr.deleted, [archiveRoot(orders.doc), archiveRoot(gone.doc)]);
  });

  test('a shard removed by a resharding: its archive expires with the group\'s retention, hourly, and goes whole when all of it is old', async () => {
    t = await backupServices();
    await seedGroup(t, 'shop', { shards: 2 });
    await tag(t, 'shop', 'enabled');
    const pitr = new FakePitr();
    const root = archiveRoot((await getGroup(t.store, 'shop'))!.doc);
    pitr.extraShards.add(`${root}0003/`);
    const { pass } = controller(t, pitr);
    await pass();
    assert.deepEqual(pitr.expired, [{ prefix: `${root}0003/`, retentionMs: 86_400_000 }], 'only the shard the group no longer has');
    await pass();
    assert.equal(pitr.expired.length, 1, 'not again within the hour');
    t.setNow(new Date(t.svc.now().getTime() + 3_600_000));
    pitr.expireAnswer = { bases: 0, segments: 0, deleted: 4 };
    await pass();
    assert.equal(pitr.expired.length, 2);
    assert.ok((await messages(t)).includes('Point-in-time archive of node group 0003 of replication group shop, removed by a resharding, ' +
      'deleted: everything it recorded is older than the retention period'));
    t.setNow(new Date(t.svc.now().getTime() + 3_600_000));
    await pass();
    assert.equal(pitr.expired.length, 2, 'gone: nothing left to expire');
  });
});
