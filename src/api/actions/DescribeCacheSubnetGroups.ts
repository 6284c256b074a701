import type { CacheSubnetGroupMessage, DescribeCacheSubnetGroupsMessage } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { presentSubnetGroup } from '../present/subnet-group.js';
import { requireSubnetGroup } from '../../resources/lookups.js';
import { defineAction } from './define.js';

/** One named subnet group (CacheSubnetGroupNotFoundFault if missing), or all of them by name. */
export default defineAction<DescribeCacheSubnetGroupsMessage, CacheSubnetGroupMessage>(
  'DescribeCacheSubnetGroups', async (input, svc) => {
    const groups = input.CacheSubnetGroupName !== undefined
      ? [(await requireSubnetGroup(svc, input.CacheSubnetGroupName)).doc]
      : (await svc.store.list('cacheSubnetGroup')).map((r) => r.doc);
    const { page, marker } = paginate(groups, input.Marker, input.MaxRecords);
    return { CacheSubnetGroups: page.map(presentSubnetGroup), ...(marker ? { Marker: marker } : {}) };
  });
