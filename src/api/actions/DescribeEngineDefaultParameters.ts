import type { DescribeEngineDefaultParametersMessage, DescribeEngineDefaultParametersResult } from '../model/shapes.js';
import { parameterPage } from '../present/parameter-group.js';
import { requireFamily } from '../../resources/parameter-groups.js';
import { defineAction } from './define.js';

export default defineAction<DescribeEngineDefaultParametersMessage, DescribeEngineDefaultParametersResult>(
  'DescribeEngineDefaultParameters', (input) => {
    const family = input.CacheParameterGroupFamily;
    requireFamily(family);
    return {
      EngineDefaults: {
        CacheParameterGroupFamily: family,
        ...parameterPage(family, {}, { marker: input.Marker, maxRecords: input.MaxRecords }),
      },
    };
  });
