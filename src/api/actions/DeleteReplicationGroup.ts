import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteReplicationGroupMessage, DeleteReplicationGroupResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { memberClusters, requireReplicationGroup } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';
import { groupSpecWrite, presentedGroup } from '../../store/index.js';

export default defineAction<DeleteReplicationGroupMessage, DeleteReplicationGroupResult>(
  'DeleteReplicationGroup', async (input, svc) => retryOnConflict(async () => {
    const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
    const g = view.doc;
    if (g.deleteRequested) {
      throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is already being deleted.`);
    }
    if (input.FinalSnapshotIdentifier) {
      throw CommonErrors.invalidParameterValue('FinalSnapshotIdentifier is not supported by cachefleet yet (snapshots come with the backup work).');
    }
    const updated = { ...g, deleteRequested: true, retainPrimaryCluster: input.RetainPrimaryCluster ?? false };
    await svc.store.commit(groupSpecWrite(view, updated));
    await svc.events.emit('replication-group', g.id, `Replication group ${g.id} is being deleted`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(updated), await memberClusters(svc, g)) };
  }));
