/**
 * The engine configuration of a serverless cache's backing nodes, over their default cluster-mode
 * parameter group (the customer has no parameter group to change it with, and the drift check
 * holds the nodes to it):
 * - what ElastiCache Serverless fixes (volatile-lru, maxclients 65000);
 * - maxmemory: the shard's share of DataStorage.Maximum, or the shard's own capacity
 *   (resources/serverless-scaling.ts), with no reserved-memory-percent on top, so the cache's data
 *   stays within its maximum: keys with a TTL are evicted, then writes get OOM, as on ElastiCache.
 *
 * While a scaling is under way the shards that hold data keep the maxmemory they run with: a
 * scale-out lowers each shard's share only once its slots have moved away (lowering it first would
 * evict or refuse data that is about to move), and a scale-in counts only the shards that stay (the
 * remaining ones receive the data). A cache may therefore hold a little more than its maximum for
 * the length of a scale-out.
 */
import type { ServerlessScalingSettings } from '../../core/index.js';
import { shardMaxmemory } from '../../resources/serverless-scaling.js';
import { isServerlessBacking, serverlessCacheOf, SERVERLESS_PARAMETERS } from '../../resources/serverless.js';
import { getGroup, getServerlessCache, type CacheClusterRecord, type CacheParameterGroupRecord, type StateStore } from '../../store/index.js';

export async function serverlessNodeParameters(store: StateStore, settings: ServerlessScalingSettings, c: CacheClusterRecord,
  group: CacheParameterGroupRecord | undefined): Promise<CacheParameterGroupRecord | undefined> {
  if (!group || !isServerlessBacking(c.id)) return group;
  const values = { ...group.values, ...SERVERLESS_PARAMETERS };
  const name = serverlessCacheOf(c.replicationGroupId ?? c.id)!;
  const [cache, backing] = await Promise.all([getServerlessCache(store, name), c.replicationGroupId ? getGroup(store, c.replicationGroupId) : undefined]);
  const shards = backing?.doc.nodeGroups ?? [];
  const resharding = backing?.doc.resharding;
  const applied = c.appliedParameters?.['maxmemory'];
  const maxmemory = resharding && !resharding.removing.length && applied !== undefined
    ? applied
    : String(shardMaxmemory(settings, cache?.spec.cacheUsageLimits, Math.max(1, shards.length - (resharding?.removing.length ?? 0))));
  return { ...group, values: { ...values, maxmemory, 'reserved-memory-percent': '0' } };
}
