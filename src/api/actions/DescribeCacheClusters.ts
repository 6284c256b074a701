import type { CacheClusterMessage, DescribeCacheClustersMessage } from '../model/shapes.js';
import { defineAction } from './define.js';
import { paginate } from '../pagination.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { allCacheClusters, requireCacheCluster } from '../../resources/lookups.js';

export default defineAction<DescribeCacheClustersMessage, CacheClusterMessage>(
  'DescribeCacheClusters', async (input, svc) => {
    let clusters = input.CacheClusterId
      ? [(await requireCacheCluster(svc, input.CacheClusterId)).doc]
      : (await allCacheClusters(svc)).map((r) => r.doc);
    if (input.ShowCacheClustersNotInReplicationGroups) clusters = clusters.filter((c) => !c.replicationGroupId);
    const { page, marker } = paginate(clusters, input.Marker, input.MaxRecords);
    return {
      ...(marker ? { Marker: marker } : {}),
      CacheClusters: page.map((c) => presentCacheCluster(c, input.ShowCacheNodeInfo ?? false)),
    };
  });
