import { fault } from '../../errors/index.js';
import type { DescribeServerlessCachesRequest, DescribeServerlessCachesResponse } from '../model/shapes.js';
import { paginateById } from '../pagination.js';
import { presentServerlessCache } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { getServerlessCache, listServerlessCaches } from '../../store/index.js';

/** Serverless caches in name order (one by ServerlessCacheName); MaxResults 1–100 a page, as ElastiCache pages them. */
export default defineAction<DescribeServerlessCachesRequest, DescribeServerlessCachesResponse>(
  'DescribeServerlessCaches', async (input, svc) => {
    if (input.ServerlessCacheName !== undefined) {
      const found = await getServerlessCache(svc.store, input.ServerlessCacheName.toLowerCase());
      if (!found) throw fault('ServerlessCacheNotFoundFault', `Serverless cache ${input.ServerlessCacheName} not found.`);
      return { ServerlessCaches: [presentServerlessCache(found.doc)] };
    }
    const all = await listServerlessCaches(svc.store);
    const { page, marker } = paginateById(all, input.NextToken, input.MaxResults, { min: 1, max: 100 });
    return { ServerlessCaches: page.map((v) => presentServerlessCache(v.doc)), ...(marker ? { NextToken: marker } : {}) };
  });
