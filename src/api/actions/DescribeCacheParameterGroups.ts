import type { CacheParameterGroupsMessage, DescribeCacheParameterGroupsMessage } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { presentParameterGroup } from '../present/parameter-group.js';
import { requireParameterGroup } from '../../resources/lookups.js';
import { defineAction } from './define.js';

/** One named parameter group (CacheParameterGroupNotFound if missing), or all of them by name. */
export default defineAction<DescribeCacheParameterGroupsMessage, CacheParameterGroupsMessage>(
  'DescribeCacheParameterGroups', async (input, svc) => {
    const groups = input.CacheParameterGroupName !== undefined
      ? [(await requireParameterGroup(svc, input.CacheParameterGroupName)).doc]
      : (await svc.store.list('cacheParameterGroup')).map((r) => r.doc);
    const { page, marker } = paginate(groups, input.Marker, input.MaxRecords);
    return { CacheParameterGroups: page.map(presentParameterGroup), ...(marker ? { Marker: marker } : {}) };
  });
