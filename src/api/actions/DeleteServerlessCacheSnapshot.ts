import { fault } from '../../errors/index.js';
import type { DeleteServerlessCacheSnapshotRequest, DeleteServerlessCacheSnapshotResponse } from '../model/shapes.js';
import { presentServerlessSnapshot } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { retryOnConflict } from '../../resources/commit.js';
import { requireServerlessSnapshot, serverlessSnapshotArn, serverlessSnapshotName } from '../../resources/serverless-snapshots.js';
import { mergeSnapshot, snapshotSpecWrite } from '../../store/index.js';

/** Deletes a serverless cache snapshot: `deleting` at once; the snapshot controller removes its files, records and tags. */
export default defineAction<DeleteServerlessCacheSnapshotRequest, DeleteServerlessCacheSnapshotResponse>(
  'DeleteServerlessCacheSnapshot', async (input, svc) => {
    const result = await retryOnConflict(async () => {
      const view = await requireServerlessSnapshot(svc, input.ServerlessCacheSnapshotName);
      const s = view.doc;
      const name = serverlessSnapshotName(s.name);
      if (s.status !== 'available' && s.status !== 'failed') {
        throw fault('InvalidServerlessCacheSnapshotStateFault', `Serverless cache snapshot ${name} is ${s.status}; only an available or failed snapshot can be deleted.`);
      }
      const next = { ...view.spec, deleteRequested: true };
      await svc.store.commit(snapshotSpecWrite(view, next));
      await svc.events.emit('serverless-cache-snapshot', name, `Serverless cache snapshot ${name} is being deleted`);
      return { ServerlessCacheSnapshot: presentServerlessSnapshot(mergeSnapshot(next, view.status), serverlessSnapshotArn(svc, name)) };
    });
    svc.kick();
    return result;
  });
