import type { DescribeReplicationGroupsMessage, ReplicationGroupMessage } from '../model/shapes.js';
import { defineAction } from './define.js';
import { paginate } from '../pagination.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { allCacheClusters, allReplicationGroups, requireReplicationGroup } from '../../resources/lookups.js';

export default defineAction<DescribeReplicationGroupsMessage, ReplicationGroupMessage>(
  'DescribeReplicationGroups', async (input, svc) => {
    const groups = input.ReplicationGroupId
      ? [(await requireReplicationGroup(svc, input.ReplicationGroupId)).doc]
      : (await allReplicationGroups(svc)).map((r) => r.doc);
    const { page, marker } = paginate(groups, input.Marker, input.MaxRecords);
    // One read of all clusters serves every group on the page (no per-group queries).
    const clusters = (await allCacheClusters(svc)).map((r) => r.doc);
    return {
      ...(marker ? { Marker: marker } : {}),
      ReplicationGroups: page.map((g) => presentReplicationGroup(g, clusters.filter((c) => c.replicationGroupId === g.id))),
    };
  });
