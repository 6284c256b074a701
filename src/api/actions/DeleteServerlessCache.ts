import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteServerlessCacheRequest, DeleteServerlessCacheResponse } from '../model/shapes.js';
import { presentServerlessCache } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { retryOnConflict } from '../../resources/commit.js';
import { normalizeSnapshotName } from '../../resources/naming.js';
import { getGroup, groupSpecWrite, serverlessSpecWrite, type WriteOp } from '../../store/index.js';
import { requireServerlessCache } from './serverless-lookup.js';

/**
 * Deletes a serverless cache: it shows `deleting` at once; the serverless controller stops its
 * endpoint, and its backing group is deleted by the group machinery (asked for here, in the same
 * commit); the records go once both are gone.
 */
export default defineAction<DeleteServerlessCacheRequest, DeleteServerlessCacheResponse>(
  'DeleteServerlessCache', async (input, svc) => {
    if (input.FinalSnapshotName !== undefined) {
      normalizeSnapshotName('SnapshotName', input.FinalSnapshotName);
      throw CommonErrors.invalidParameterValue('FinalSnapshotName: serverless cache snapshots are not supported by cachefleet yet.');
    }
    return retryOnConflict(async () => {
      const view = await requireServerlessCache(svc, input.ServerlessCacheName);
      const c = view.doc;
      if (c.status !== 'available' && c.status !== 'create-failed') {
        throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${c.name} is ${c.status}; it can be deleted only when available or create-failed.`);
      }
      const ops: WriteOp[] = [...serverlessSpecWrite(view, { ...view.spec, deleteRequested: true })];
      const group = await getGroup(svc.store, c.backingGroupId);
      if (group && !group.spec.deleteRequested) ops.push(...groupSpecWrite(group, { ...group.doc, deleteRequested: true, retainPrimaryCluster: false }));
      await svc.store.commit(ops);
      await svc.events.emit('serverless-cache', c.name, `Serverless cache ${c.name} is being deleted`);
      svc.kick();
      return { ServerlessCache: presentServerlessCache({ ...c, deleteRequested: true, status: 'deleting' }) };
    });
  });
