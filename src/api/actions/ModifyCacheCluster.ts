import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyCacheClusterMessage, ModifyCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { checkCapacity } from '../../resources/capacity.js';
import { requireCacheCluster } from '../../resources/lookups.js';
import { applySettingsChanges } from '../../resources/modify.js';
import { bumped, clusterSpecWrite, presentedCluster, type CacheClusterRecord } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

export default defineAction<ModifyCacheClusterMessage, ModifyCacheClusterResult>(
  'ModifyCacheCluster', async (input, svc) => retryOnConflict(async () => {
    const view = await requireCacheCluster(svc, input.CacheClusterId);
    const c = view.doc;
    if (c.status !== 'available') {
      throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is ${c.status}; it can be modified only when available.`);
    }
    if (input.NumCacheNodes !== undefined && input.NumCacheNodes !== 1) {
      throw CommonErrors.invalidParameterValue(`NumCacheNodes must be 1 for the redis engine (got ${input.NumCacheNodes}).`);
    }
    if (input.CacheNodeIdsToRemove?.length || input.NewAvailabilityZones?.length || input.AZMode) {
      throw CommonErrors.invalidParameterValue('CacheNodeIdsToRemove, NewAvailabilityZones and AZMode apply to memcached clusters only.');
    }
    if (input.ScaleConfig) throw CommonErrors.invalidParameterValue('ScaleConfig applies to memcached clusters only.');
    if (c.replicationGroupId && (input.CacheNodeType || input.CacheParameterGroupName || input.EngineVersion)) {
      throw CommonErrors.invalidParameterCombination(
        `Cache cluster ${c.id} belongs to replication group ${c.replicationGroupId}: change its node type, engine version or parameter group with ModifyReplicationGroup.`);
    }
    if (c.replicationGroupId && (input.AuthToken !== undefined || input.AuthTokenUpdateStrategy)) {
      throw CommonErrors.invalidParameterCombination(
        `Cache cluster ${c.id} belongs to replication group ${c.replicationGroupId}: update its AUTH token with ModifyReplicationGroup.`);
    }
    const change = await applySettingsChanges(svc, c, input);
    if (change.changed.length === 0) throw CommonErrors.invalidParameterCombination('No modifications were requested.');
    let next: CacheClusterRecord = { ...c, ...change.settings, pending: { ...c.pending } };
    if (change.nodeType && input.ApplyImmediately) {
      await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit,
        [{ nodeType: change.nodeType, count: c.nodes.length }], [c.id]);
      next.cacheNodeType = change.nodeType;
      delete next.pending.cacheNodeType;
    } else if (change.nodeType) {
      next.pending.cacheNodeType = change.nodeType;
    }
    if (next.cacheNodeType !== c.cacheNodeType || next.cacheParameterGroupName !== c.cacheParameterGroupName || next.auth !== c.auth) next = bumped(next);
    await svc.store.commit([...clusterSpecWrite(view, next), ...change.guards]);
    await svc.events.emit('cache-cluster', c.id, `Cache cluster ${c.id} modified: ${change.changed.join(', ')}`);
    svc.kick();
    return { CacheCluster: presentCacheCluster(presentedCluster(next), false) };
  }));
