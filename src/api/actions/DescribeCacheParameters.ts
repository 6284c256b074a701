import type { CacheParameterGroupDetails, DescribeCacheParametersMessage } from '../model/shapes.js';
import { parameterPage } from '../present/parameter-group.js';
import { requireParameterGroup } from '../../resources/lookups.js';
import { defineAction } from './define.js';

/** The group's parameters: family defaults with the group's own values (Source "user") overlaid. */
export default defineAction<DescribeCacheParametersMessage, CacheParameterGroupDetails>(
  'DescribeCacheParameters', async (input, svc) => {
    const { doc: group } = await requireParameterGroup(svc, input.CacheParameterGroupName);
    return parameterPage(group.family, group.values,
      { source: input.Source, marker: input.Marker, maxRecords: input.MaxRecords });
  });
