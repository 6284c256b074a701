import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteReplicationGroupMessage, DeleteReplicationGroupResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { memberClusters, requireReplicationGroup } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';

export default defineAction<DeleteReplicationGroupMessage, DeleteReplicationGroupResult>(
  'DeleteReplicationGroup', async (input, svc) => retryOnConflict(async () => {
    const { doc: g, version } = await requireReplicationGroup(svc, input.ReplicationGroupId);
    if (g.deleteRequested) {
      throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is already being deleted.`);
    }
    if (input.FinalSnapshotIdentifier) {
      throw CommonErrors.invalidParameterValue('FinalSnapshotIdentifier is not supported by cachefleet yet (snapshots come with the backup work).');
    }
    const updated = { ...g, status: 'deleting' as const, deleteRequested: true, retainPrimaryCluster: input.RetainPrimaryCluster ?? false };
    await svc.store.commit([{ op: 'update', kind: 'replicationGroup', id: g.id, doc: updated, expectVersion: version }]);
    await svc.events.emit('replication-group', g.id, `Replication group ${g.id} is being deleted`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(updated, await memberClusters(svc, g)) };
  }));
