import { CommonErrors, fault } from '../../errors/index.js';
import type { RebootCacheClusterMessage, RebootCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { requireCacheCluster } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';
import { clusterSpecWrite, presentedCluster } from '../../store/index.js';

/** Restarts the named nodes; static parameters waiting for a reboot take effect then. */
export default defineAction<RebootCacheClusterMessage, RebootCacheClusterResult>(
  'RebootCacheCluster', async (input, svc) => retryOnConflict(async () => {
    const view = await requireCacheCluster(svc, input.CacheClusterId);
    const c = view.doc;
    if (c.status !== 'available') {
      throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is ${c.status}; it can be rebooted only when available.`);
    }
    if (input.CacheNodeIdsToReboot.length === 0) {
      throw CommonErrors.missingParameter('CacheNodeIdsToReboot');
    }
    const unknown = input.CacheNodeIdsToReboot.filter((id) => !c.nodes.some((n) => n.id === id));
    if (unknown.length) {
      throw CommonErrors.invalidParameterValue(`Cache cluster ${c.id} has no cache node ${unknown.join(', ')} (its nodes: ${c.nodes.map((n) => n.id).join(', ')}).`);
    }
    // Each reboot is a numbered request per node; the reconciler records how many it carried out.
    const ids = [...new Set(input.CacheNodeIdsToReboot)];
    const requests = { ...c.rebootRequests };
    for (const id of ids) requests[id] = Math.max(requests[id] ?? 0, c.rebootsDone?.[id] ?? 0) + 1;
    const next = { ...c, rebootRequests: requests };
    await svc.store.commit(clusterSpecWrite(view, next));
    await svc.events.emit('cache-cluster', c.id, `Cache node(s) ${ids.join(', ')} of ${c.id} are being rebooted`);
    svc.kick();
    return { CacheCluster: presentCacheCluster(presentedCluster({ ...next, rebootRequested: ids }), false) };
  }));
