import type { DescribeReplicationGroupsMessage, ReplicationGroupMessage } from '../model/shapes.js';
import type { Services } from '../../core/index.js';
import { listGroupsPage, presentedView, type CacheClusterRecord, type ClusterView, type ReplicationGroupRecord } from '../../store/index.js';
import { defineAction } from './define.js';
import { keptPages, paginateById, paginateFetched } from '../pagination.js';
import { isServerlessBacking } from '../../resources/serverless.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { allCacheClusters, findCacheCluster, requireReplicationGroup } from '../../resources/lookups.js';

/**
 * A page of groups from the views the service keeps in memory between commits, or, without
 * them, only the requested page of groups and their own member clusters read from the store.
 */
export default defineAction<DescribeReplicationGroupsMessage, ReplicationGroupMessage>(
  'DescribeReplicationGroups', async (input, svc) => {
    const { page, marker } = input.ReplicationGroupId
      ? paginateById([await requireReplicationGroup(svc, input.ReplicationGroupId)], input.Marker, input.MaxRecords)
      : svc.views
        ? paginateById((await svc.views.groups()).filter((g) => !isServerlessBacking(g.id)).map(presentedView), input.Marker, input.MaxRecords)
        : await paginateFetched(keptPages(async (p) => (await listGroupsPage(svc.store, p)).map(presentedView), (g) => !isServerlessBacking(g.id)), input.Marker, input.MaxRecords);
    const clusters = svc.views && page.length ? new Map((await allCacheClusters(svc)).map((c) => [c.id, c])) : undefined;
    const groups = await Promise.all(page.map(async (g) => presentReplicationGroup(g.doc, await membersOf(svc, g.doc, clusters), svc.logDelivery?.observed)));
    return {
      ...(marker ? { Marker: marker } : {}),
      ReplicationGroups: groups,
    };
  });

/** The cluster records a group names (as members, or in a shard), those that still belong to it. */
async function membersOf(svc: Services, g: ReplicationGroupRecord, clusters: Map<string, ClusterView> | undefined): Promise<CacheClusterRecord[]> {
  const ids = new Set([...g.memberClusters, ...(g.nodeGroups ?? []).flatMap((ng) => ng.memberClusters)]);
  const out: CacheClusterRecord[] = [];
  for (const id of ids) {
    const c = clusters ? clusters.get(id) : await findCacheCluster(svc, id);
    if (c && c.doc.replicationGroupId === g.id) out.push(c.doc);
  }
  return out;
}
