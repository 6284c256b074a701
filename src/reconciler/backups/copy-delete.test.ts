/**
 * Copies, exports and deletions of snapshots by the controller, on the real SQLite store with the
 * data side faked: a copy under another key, an export as `<name>-0001.rdb`… (plain RDB, or
 * encrypted when the snapshot is), deletions removing files, records and tags.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { newSnapshotSpec } from '../../resources/snapshot-source.js';
import type { TestServices } from '../../resources/test-services.js';
import { readAll } from '../../snapshots/fake-io.js';
import { getSnapshot, snapshotCreate, snapshotSpecWrite, type SnapshotHold } from '../../store/index.js';
import { SnapshotController } from './controller.js';
import { backupDeps, backupServices, drain, messages, requestSnapshot, seedGroup } from './test-fixtures.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

async function available(name: string, shards = 0, settings = {}): Promise<void> {
  await seedGroup(t!, 'orders', { shards, settings });
  await requestSnapshot(t!, 'orders', name);
  await drain(new SnapshotController(backupDeps(t!)));
}

async function hold(name: string, h: SnapshotHold): Promise<void> {
  const v = (await getSnapshot(t!.store, name))!;
  await t!.store.commit(snapshotSpecWrite(v, { ...v.spec, holds: [...(v.spec.holds ?? []), h] }));
}

describe('copies and exports', () => {
  it('a copy under another key: each file decoded and framed again; the source is copying until it is done', async () => {
    t = await backupServices();
    await available('nightly', 2);
    const key = t.io.keys.add('alias/vault');
    const source = (await getSnapshot(t.store, 'nightly'))!;
    const copy = newSnapshotSpec(t.svc, { name: 'kept', source: 'manual', config: source.spec.config, origin: { kind: 'copy', sourceSnapshot: 'nightly' }, kmsKey: key });
    await t.store.commit([snapshotCreate(copy), ...snapshotSpecWrite(source, { ...source.spec, holds: [{ kind: 'copy', by: 'kept', requestedAt: copy.createdAt }] })]);
    assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'copying');
    await drain(new SnapshotController(backupDeps(t)));
    const kept = (await getSnapshot(t.store, 'kept'))!.doc;
    assert.equal(kept.status, 'available');
    assert.deepEqual(kept.work.nodeSnapshots.map((n) => n.nodeGroupId), ['0001', '0002']);
    for (const n of kept.work.nodeSnapshots) {
      assert.ok(n.objectKey.startsWith('kept/'));
      assert.ok((await readAll(await t.io.storage.snapshots.get(n.objectKey))).toString().startsWith(`FAKE1 z ${key.id}\n`));
    }
    assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'available');
    assert.match((await messages(t)).at(-1)!, /^Snapshot copy succeeded for snapshot with ID 'kept'/);
  });

  it('an export writes <name>-0001.rdb, … to the bucket: plain RDB files, the hold then released', async () => {
    t = await backupServices();
    await available('nightly', 2);
    await hold('nightly', { kind: 'export', by: 'for-analytics', bucket: 'exports', requestedAt: t.svc.now().toISOString() });
    await drain(new SnapshotController(backupDeps(t)));
    const files = await t.io.storage.bucket('exports').list('');
    assert.deepEqual(files.map((f) => f.key), ['for-analytics-0001.rdb', 'for-analytics-0002.rdb']);
    assert.match((await readAll(await t.io.storage.bucket('exports').get('for-analytics-0001.rdb'))).toString(), /^REDIS0011 data of /);
    assert.deepEqual((await getSnapshot(t.store, 'nightly'))!.spec.holds, []);
    assert.match((await messages(t)).at(-1)!, /exported to bucket exports as for-analytics-0001.rdb, for-analytics-0002.rdb/);
  });

  it('an export of a snapshot encrypted at rest stays encrypted under the snapshot\'s key', async () => {
    t = await backupServices();
    const key = t.io.keys.add();
    await available('secret', 0, { atRestEncryptionEnabled: true, kmsKey: key });
    await hold('secret', { kind: 'export', by: 'out', bucket: 'exports', requestedAt: t.svc.now().toISOString() });
    await drain(new SnapshotController(backupDeps(t)));
    const file = (await readAll(await t.io.storage.bucket('exports').get('out-0001.rdb'))).toString();
    assert.ok(file.startsWith(`FAKE1 - ${key.id}\nREDIS0011`), file);
  });
});

describe('deletions', () => {
  it('a deleted snapshot loses its files, then its records and its tags', async () => {
    t = await backupServices();
    await available('nightly', 2);
    const v = (await getSnapshot(t.store, 'nightly'))!;
    await t.store.commit([{ op: 'create', kind: 'tags', id: v.spec.arn, doc: { arn: v.spec.arn, tags: [{ Key: 'team', Value: 'cache' }] } }]);
    await t.store.commit(snapshotSpecWrite(v, { ...v.spec, deleteRequested: true }));
    assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'deleting');
    await drain(new SnapshotController(backupDeps(t)));
    assert.equal(await getSnapshot(t.store, 'nightly'), undefined);
    assert.deepEqual(await t.io.storage.snapshots.list(''), []);
    assert.equal(await t.store.get('tags', v.spec.arn), undefined);
  });

  it('a deletion cut short after the files went is finished by the next controller', async () => {
    t = await backupServices();
    await available('nightly');
    const v = (await getSnapshot(t.store, 'nightly'))!;
    await t.store.commit(snapshotSpecWrite(v, { ...v.spec, deleteRequested: true }));
    const reached: string[] = [];
    await new SnapshotController(backupDeps(t, { owner: 'first', stopAt: 'delete:files', steps: reached })).reconcile();
    for (let i = 0; i < 100 && !reached.length; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(await getSnapshot(t.store, 'nightly'));
    await drain(new SnapshotController(backupDeps(t, { owner: 'second' })));
    assert.equal(await getSnapshot(t.store, 'nightly'), undefined);
  });
});
