import type { CacheClusterMessage, DescribeCacheClustersMessage } from '../model/shapes.js';
import type { Services } from '../../core/index.js';
import { listClustersPage, presentedView, type ClusterView } from '../../store/index.js';
import { defineAction } from './define.js';
import { paginateById, keptPages, paginateFetched } from '../pagination.js';
import { isServerlessBacking } from '../../resources/serverless.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { allCacheClusters, requireCacheCluster } from '../../resources/lookups.js';

/**
 * Without an id or a filter, a page comes from the views the service keeps in memory between
 * commits (none is read or merged again: only the page is presented), or, without them, only
 * the page is read from the store (1,000 clusters cost a page of 100, not 1,000 records parsed);
 * the filter needs every record.
 */
export default defineAction<DescribeCacheClustersMessage, CacheClusterMessage>(
  'DescribeCacheClusters', async (input, svc) => {
    const notInGroup = input.ShowCacheClustersNotInReplicationGroups ?? false;
    const { page, marker } = input.CacheClusterId || notInGroup
      ? paginateById((await candidates(svc, input.CacheClusterId)).filter((c) => !notInGroup || !c.doc.replicationGroupId),
        input.Marker, input.MaxRecords)
      : svc.views
        ? paginateById((await svc.views.clusters()).filter((c) => !isServerlessBacking(c.id)), input.Marker, input.MaxRecords)
        : await paginateFetched(keptPages((p) => listClustersPage(svc.store, p), (c) => !isServerlessBacking(c.id)), input.Marker, input.MaxRecords);
    return {
      ...(marker ? { Marker: marker } : {}),
      CacheClusters: page.map((c) => presentCacheCluster(presentedView(c).doc, input.ShowCacheNodeInfo ?? false, svc.logDelivery?.observed)),
    };
  });

async function candidates(svc: Services, id: string | undefined): Promise<ClusterView[]> {
  return id ? [await requireCacheCluster(svc, id)] : allCacheClusters(svc);
}
