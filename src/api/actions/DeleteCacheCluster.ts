import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteCacheClusterMessage, DeleteCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { findReplicationGroup, requireCacheCluster } from '../../resources/lookups.js';
import { bumped, clusterSpecWrite, groupSpecWrite, presentedCluster, snapshotCreate, type WriteOp } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';
import { normalizeSnapshotName } from '../../resources/naming.js';
import { checkSnapshotQuota, clusterSnapshotSpec, requireSnapshotNameFree } from '../../resources/snapshots.js';

/**
 * Deletes a cache cluster (a standalone one, or a replica of a group). With
 * FinalSnapshotIdentifier (standalone clusters only, as on ElastiCache), its node stops only once
 * the final snapshot is available; a failed final snapshot cancels the deletion, with an event.
 */
export default defineAction<DeleteCacheClusterMessage, DeleteCacheClusterResult>(
  'DeleteCacheCluster', async (input, svc) => {
    const finalName = input.FinalSnapshotIdentifier !== undefined
      ? normalizeSnapshotName('FinalSnapshotIdentifier', input.FinalSnapshotIdentifier) : undefined;
    return retryOnConflict(async () => {
      const view = await requireCacheCluster(svc, input.CacheClusterId);
      const c = view.doc;
      if (c.deleteRequested) throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is already being deleted.`);
      if (c.status === 'snapshotting') {
        throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} has status snapshotting which is not valid for deletion.`);
      }
      const ops: WriteOp[] = [];
      if (finalName !== undefined) {
        if (c.replicationGroupId) {
          throw CommonErrors.invalidParameterCombination(
            `Cache cluster ${c.id} is a member of replication group ${c.replicationGroupId}: a final snapshot is taken of the group, with DeleteReplicationGroup's FinalSnapshotIdentifier.`);
        }
        if (c.status !== 'available') {
          throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is ${c.status}; a final snapshot can be taken only while it is available.`);
        }
        await requireSnapshotNameFree(svc, finalName);
        ops.push(await checkSnapshotQuota(svc));
        ops.push(snapshotCreate(await clusterSnapshotSpec(svc, c, { name: finalName, source: 'manual', final: true })));
      }
      if (c.replicationGroupId) {
        const g = await findReplicationGroup(svc, c.replicationGroupId);
        if (g && !g.doc.deleteRequested) {
          if (g.doc.primaryClusterId === c.id) {
            throw fault('InvalidCacheClusterStateFault',
              `Cache cluster ${c.id} is the primary of replication group ${g.id}; delete the replication group, or promote another cluster first.`);
          }
          if (g.doc.status !== 'available') {
            throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${g.doc.status}; a replica can be removed only when it is available.`);
          }
          if (g.doc.automaticFailoverEnabled && g.doc.memberClusters.length <= 2) {
            throw fault('InvalidReplicationGroupStateFault',
              `Cache cluster ${c.id} is the last replica of ${g.id}, which has automatic failover enabled; disable it first.`);
          }
          ops.push(...groupSpecWrite(g, bumped({ ...g.doc, memberClusters: g.doc.memberClusters.filter((m) => m !== c.id) })));
        }
      }
      const next = { ...c, deleteRequested: true, ...(finalName !== undefined ? { finalSnapshotName: finalName } : {}) };
      ops.push(...clusterSpecWrite(view, next));
      await svc.store.commit(ops);
      await svc.events.emit('cache-cluster', c.id, finalName !== undefined
        ? `Cache cluster ${c.id} is being deleted after its final snapshot ${finalName}`
        : `Cache cluster ${c.id} is being deleted`);
      svc.kick();
      return { CacheCluster: presentCacheCluster(presentedCluster(next), false) };
    }, { alreadyExists: (e) => (e.kind === 'snapshot' ? fault('SnapshotAlreadyExistsFault', `Snapshot ${finalName} already exists.`) : undefined) });
  });
