/**
 * Deletions with a final snapshot: the nodes keep running while it is taken, the deletion goes on
 * once it is available, and a failed one calls the deletion off, with an event.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { TestServices } from '../../resources/test-services.js';
import { getGroup, getSnapshot, groupSpecWrite, listClusters, snapshotStatusWrite } from '../../store/index.js';
import type { ReconcilerDeps } from '../deps.js';
import { deleteGroup } from '../group-delete.js';
import { finalSnapshotGate } from './final-snapshot.js';
import { backupServices, messages, requestSnapshot, seedGroup } from './test-fixtures.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** What DeleteReplicationGroup with FinalSnapshotIdentifier records. */
async function deleteWithFinal(id: string, name: string): Promise<void> {
  await requestSnapshot(t!, id, name, { final: true });
  const g = (await getGroup(t!.store, id))!;
  const { snapshotting: _s, ...doc } = g.doc;
  await t!.store.commit(groupSpecWrite(g, { ...doc, deleteRequested: true, finalSnapshotName: name }));
}

async function finish(name: string, status: 'available' | 'failed'): Promise<void> {
  const v = (await getSnapshot(t!.store, name))!;
  await t!.store.commit(snapshotStatusWrite(v, { ...v.doc.work, status, ...(status === 'failed' ? { failureReason: 'no node answers' } : {}) }));
}

async function pass(id: string): Promise<boolean> {
  const d = { store: t!.store, events: t!.svc.events } as unknown as ReconcilerDeps;
  const clusters = new Map((await listClusters(t!.store)).map((c) => [c.id, c.doc]));
  return deleteGroup(d, (await getGroup(t!.store, id))!, clusters);
}

const marked = async () => (await listClusters(t!.store)).filter((c) => c.doc.deleteRequested).map((c) => c.id);

describe('final snapshots', () => {
  it('the gate: wait while it is taken, proceed once available, cancel when it failed or is gone', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await requestSnapshot(t, 'orders', 'last', { final: true });
    assert.equal(await finalSnapshotGate(t.store, undefined), 'proceed');
    assert.equal(await finalSnapshotGate(t.store, 'last'), 'wait');
    assert.equal(await finalSnapshotGate(t.store, 'gone'), 'cancel');
    await finish('last', 'available');
    assert.equal(await finalSnapshotGate(t.store, 'last'), 'proceed');
    await finish('last', 'failed');
    assert.equal(await finalSnapshotGate(t.store, 'last'), 'cancel');
  });

  it('a group\'s nodes keep running until its final snapshot is available, then go', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await deleteWithFinal('orders', 'last');
    assert.equal(await pass('orders'), true);
    assert.deepEqual(await marked(), []);
    await finish('last', 'available');
    await pass('orders');
    assert.deepEqual(await marked(), ['orders-001', 'orders-002']);
  });

  it('a failed final snapshot calls the deletion off: the group stays, with an event', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await deleteWithFinal('orders', 'last');
    await finish('last', 'failed');
    await pass('orders');
    const g = (await getGroup(t.store, 'orders'))!.doc;
    assert.deepEqual([g.deleteRequested, g.finalSnapshotName], [undefined, undefined]);
    assert.deepEqual(await marked(), []);
    assert.equal((await messages(t)).at(-1), 'Final snapshot last of replication group orders failed; the replication group was not deleted');
  });
});
