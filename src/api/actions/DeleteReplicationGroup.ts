import { fault } from '../../errors/index.js';
import type { DeleteReplicationGroupMessage, DeleteReplicationGroupResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { memberClusters, requireReplicationGroup } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';
import { normalizeSnapshotName } from '../../resources/naming.js';
import { checkSnapshotQuota, groupSnapshotSpec, requireSnapshotNameFree } from '../../resources/snapshots.js';
import { groupSpecWrite, presentedGroup, snapshotCreate, type WriteOp } from '../../store/index.js';

/**
 * Deletes a replication group. With FinalSnapshotIdentifier, a final snapshot is taken from each
 * shard's primary first: the group shows `deleting` at once, and its nodes stop only once the
 * snapshot is available (reconciler/group-delete.ts); a final snapshot that fails cancels the
 * deletion, with an event, so the data is never lost for want of a backup.
 */
export default defineAction<DeleteReplicationGroupMessage, DeleteReplicationGroupResult>(
  'DeleteReplicationGroup', async (input, svc) => {
    const finalName = input.FinalSnapshotIdentifier !== undefined
      ? normalizeSnapshotName('FinalSnapshotIdentifier', input.FinalSnapshotIdentifier) : undefined;
    return retryOnConflict(async () => {
      const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
      const g = view.doc;
      if (g.deleteRequested) {
        throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is already being deleted.`);
      }
      if (g.status === 'snapshotting') {
        throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} has status snapshotting which is not valid for deletion.`);
      }
      const ops: WriteOp[] = [];
      if (finalName !== undefined) {
        if (g.status !== 'available') {
          throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${g.status}; a final snapshot can be taken only while it is available.`);
        }
        await requireSnapshotNameFree(svc, finalName);
        ops.push(await checkSnapshotQuota(svc));
        ops.push(snapshotCreate(await groupSnapshotSpec(svc, g, { name: finalName, source: 'manual', final: true })));
      }
      const updated = {
        ...g, deleteRequested: true, retainPrimaryCluster: input.RetainPrimaryCluster ?? false,
        ...(finalName !== undefined ? { finalSnapshotName: finalName } : {}),
      };
      await svc.store.commit([...ops, ...groupSpecWrite(view, updated)]);
      await svc.events.emit('replication-group', g.id, finalName !== undefined
        ? `Replication group ${g.id} is being deleted after its final snapshot ${finalName}`
        : `Replication group ${g.id} is being deleted`);
      svc.kick();
      return { ReplicationGroup: presentReplicationGroup(presentedGroup(updated), await memberClusters(svc, g)) };
    }, { alreadyExists: (e) => (e.kind === 'snapshot' ? fault('SnapshotAlreadyExistsFault', `Snapshot ${finalName} already exists.`) : undefined) });
  });
