import { CommonErrors, fault } from '../../errors/index.js';
import type { RebootCacheClusterMessage, RebootCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { requireCacheCluster } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';

/** Restarts the named nodes; static parameters waiting for a reboot take effect then. */
export default defineAction<RebootCacheClusterMessage, RebootCacheClusterResult>(
  'RebootCacheCluster', async (input, svc) => retryOnConflict(async () => {
    const { doc: c, version } = await requireCacheCluster(svc, input.CacheClusterId);
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
    const next = {
      ...c,
      status: 'rebooting cache cluster nodes' as const,
      rebootRequested: [...new Set(input.CacheNodeIdsToReboot)],
      nodes: c.nodes.map((n) => (input.CacheNodeIdsToReboot.includes(n.id) ? { ...n, status: 'rebooting' as const } : n)),
    };
    await svc.store.commit([{ op: 'update', kind: 'cacheCluster', id: c.id, doc: next, expectVersion: version }]);
    await svc.events.emit('cache-cluster', c.id, `Cache node(s) ${next.rebootRequested.join(', ')} of ${c.id} are being rebooted`);
    svc.kick();
    return { CacheCluster: presentCacheCluster(next, false) };
  }));
