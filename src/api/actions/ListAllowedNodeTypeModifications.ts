import type { AllowedNodeTypeModificationsMessage, ListAllowedNodeTypeModificationsMessage } from '../model/shapes.js';
import { CommonErrors } from '../../errors/index.js';
import { NODE_TYPES, requireNodeType } from '../../catalog/node-types.js';
import { requireCacheCluster, requireReplicationGroup } from '../../resources/lookups.js';
import { defineAction } from './define.js';

/**
 * The node types a cluster or replication group can be scaled to with ModifyCacheCluster /
 * ModifyReplicationGroup (what the guides have users run before a scale down): every
 * current-generation type with as much memory as its own or more (another family of the same size too), and every one with less. Data-tiering
 * types (r6gd) scale only among themselves, as on ElastiCache. A scale down still needs the data
 * to fit the smaller type; the reconciler checks that when it applies it (reconciler/scale-down.ts).
 */
export default defineAction<ListAllowedNodeTypeModificationsMessage, AllowedNodeTypeModificationsMessage>('ListAllowedNodeTypeModifications', async (input, svc) => {
  if ((input.CacheClusterId === undefined) === (input.ReplicationGroupId === undefined)) {
    throw CommonErrors.invalidParameterCombination('Provide either CacheClusterId or ReplicationGroupId, and only one of them.');
  }
  const current = input.ReplicationGroupId !== undefined
    ? (await requireReplicationGroup(svc, input.ReplicationGroupId)).doc.cacheNodeType
    : (await requireCacheCluster(svc, input.CacheClusterId!)).doc.cacheNodeType;
  const own = requireNodeType(current);
  const tiered = (name: string) => /^cache\.r6gd\./.test(name);
  const candidates = NODE_TYPES.filter((t) => !t.previousGeneration && t.name !== own.name && tiered(t.name) === tiered(own.name));
  const names = (keep: (bytes: number) => boolean) => candidates.filter((t) => keep(t.maxmemoryBytes)).map((t) => t.name).sort();
  return {
    ScaleUpModifications: names((bytes) => bytes >= own.maxmemoryBytes),
    ScaleDownModifications: names((bytes) => bytes < own.maxmemoryBytes),
  };
});
