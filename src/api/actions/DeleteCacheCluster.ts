import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteCacheClusterMessage, DeleteCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { findReplicationGroup, requireCacheCluster } from '../../resources/lookups.js';
import { bumped, clusterSpecWrite, groupSpecWrite, presentedCluster, type WriteOp } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

export default defineAction<DeleteCacheClusterMessage, DeleteCacheClusterResult>(
  'DeleteCacheCluster', async (input, svc) => retryOnConflict(async () => {
    const view = await requireCacheCluster(svc, input.CacheClusterId);
    const c = view.doc;
    if (c.deleteRequested) throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is already being deleted.`);
    if (input.FinalSnapshotIdentifier) {
      throw CommonErrors.invalidParameterValue('FinalSnapshotIdentifier is not supported by cachefleet yet (snapshots come with the backup work).');
    }
    const ops: WriteOp[] = [];
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
    const next = { ...c, deleteRequested: true };
    ops.push(...clusterSpecWrite(view, next));
    await svc.store.commit(ops);
    await svc.events.emit('cache-cluster', c.id, `Cache cluster ${c.id} is being deleted`);
    svc.kick();
    return { CacheCluster: presentCacheCluster(presentedCluster(next), false) };
  }));
