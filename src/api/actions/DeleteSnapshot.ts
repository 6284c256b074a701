import { fault } from '../../errors/index.js';
import type { DeleteSnapshotMessage, DeleteSnapshotResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentSnapshot } from '../present/snapshot.js';
import { retryOnConflict } from '../../resources/commit.js';
import { requireSnapshot } from '../../resources/snapshots.js';
import { mergeSnapshot, snapshotSpecWrite } from '../../store/index.js';

/**
 * Deletes a snapshot: it shows `deleting` at once, and the controller removes its files, then its
 * records and tags. Only an available or failed snapshot may be deleted: not one being created,
 * nor one a group is being restored from or a copy or export is being made of.
 */
export default defineAction<DeleteSnapshotMessage, DeleteSnapshotResult>('DeleteSnapshot', async (input, svc) => {
  const result = await retryOnConflict(async () => {
    const view = await requireSnapshot(svc, input.SnapshotName);
    const s = view.doc;
    if (s.status !== 'available' && s.status !== 'failed') {
      throw fault('InvalidSnapshotStateFault', `Snapshot ${s.name} is ${s.status}; only an available or failed snapshot can be deleted.`);
    }
    const next = { ...view.spec, deleteRequested: true };
    await svc.store.commit(snapshotSpecWrite(view, next));
    return { Snapshot: presentSnapshot(mergeSnapshot(next, view.status)) };
  });
  svc.kick();
  return result;
});
