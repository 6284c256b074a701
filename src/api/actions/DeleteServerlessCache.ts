import { fault } from '../../errors/index.js';
import type { DeleteServerlessCacheRequest, DeleteServerlessCacheResponse } from '../model/shapes.js';
import { presentServerlessCache } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { retryOnConflict } from '../../resources/commit.js';
import { checkSnapshotQuota, groupSnapshotSpec } from '../../resources/snapshots.js';
import { findServerlessSnapshot, hiddenSnapshotName, normalizeServerlessSnapshotName, serverlessSnapshotArn } from '../../resources/serverless-snapshots.js';
import { getGroup, groupSpecWrite, serverlessSpecWrite, snapshotCreate, type WriteOp } from '../../store/index.js';
import { requireServerlessCache } from './serverless-lookup.js';

/**
 * Deletes a serverless cache: it shows `deleting` at once; the serverless controller stops its
 * endpoint, and its backing group is deleted by the group machinery (asked for here, in the same
 * commit); the records go once both are gone.
 */
export default defineAction<DeleteServerlessCacheRequest, DeleteServerlessCacheResponse>(
  'DeleteServerlessCache', async (input, svc) => {
    const finalName = input.FinalSnapshotName !== undefined ? normalizeServerlessSnapshotName('FinalSnapshotName', input.FinalSnapshotName) : undefined;
    const exists = () => fault('ServerlessCacheSnapshotAlreadyExistsFault', `Serverless cache snapshot ${finalName} already exists.`);
    return retryOnConflict(async () => {
      const view = await requireServerlessCache(svc, input.ServerlessCacheName);
      const c = view.doc;
      if (c.status !== 'available' && c.status !== 'create-failed') {
        throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${c.name} is ${c.status}; it can be deleted only when available or create-failed.`);
      }
      const group = await getGroup(svc.store, c.backingGroupId);
      // A final snapshot: the backing group's, taken before its nodes stop (reconciler/group-delete.ts).
      let final: string | undefined;
      const ops: WriteOp[] = [];
      if (finalName !== undefined) {
        if (c.status !== 'available' || !group || group.doc.status !== 'available' || group.spec.snapshotting) {
          throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${c.name} is ${c.status}; a final snapshot can be taken only while it is available.`);
        }
        if (await findServerlessSnapshot(svc, finalName)) throw exists();
        final = hiddenSnapshotName(finalName);
        const spec = { ...await groupSnapshotSpec(svc, group.doc, { name: final, source: 'manual', final: true }), arn: serverlessSnapshotArn(svc, finalName) };
        ops.push(snapshotCreate(spec), await checkSnapshotQuota(svc));
      }
      ops.push(...serverlessSpecWrite(view, { ...view.spec, deleteRequested: true, ...(final ? { finalSnapshotName: final } : {}) }));
      if (group && !group.spec.deleteRequested) {
        ops.push(...groupSpecWrite(group, { ...group.doc, deleteRequested: true, retainPrimaryCluster: false, ...(final ? { finalSnapshotName: final } : {}) }));
      }
      await svc.store.commit(ops);
      await svc.events.emit('serverless-cache', c.name, `Serverless cache ${c.name} is being deleted${finalName ? ` after its final snapshot ${finalName}` : ''}`);
      svc.kick();
      return { ServerlessCache: presentServerlessCache({ ...c, deleteRequested: true, status: 'deleting' }) };
    }, { alreadyExists: (e) => (e.kind === 'snapshot' ? exists() : undefined) });
  });
