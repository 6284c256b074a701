import { CommonErrors } from '../../errors/index.js';
import type { DescribeServerlessCacheSnapshotsRequest, DescribeServerlessCacheSnapshotsResponse } from '../model/shapes.js';
import { paginateById } from '../pagination.js';
import { presentServerlessSnapshot } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { requireServerlessCache } from './serverless-lookup.js';
import { backingGroupId } from '../../resources/serverless.js';
import { isServerlessSnapshot, requireServerlessSnapshot, serverlessSnapshotArn, serverlessSnapshotName } from '../../resources/serverless-snapshots.js';
import { listSnapshots } from '../../store/index.js';

/** Serverless cache snapshots, by name, of one cache, or all; SnapshotType manual or automatic; MaxResults 1–50. */
export default defineAction<DescribeServerlessCacheSnapshotsRequest, DescribeServerlessCacheSnapshotsResponse>(
  'DescribeServerlessCacheSnapshots', async (input, svc) => {
    if (input.SnapshotType !== undefined && !['manual', 'automatic'].includes(input.SnapshotType)) {
      throw CommonErrors.invalidParameterValue(`Invalid SnapshotType '${input.SnapshotType}': it must be manual or automatic.`);
    }
    const views = input.ServerlessCacheSnapshotName !== undefined
      ? [await requireServerlessSnapshot(svc, input.ServerlessCacheSnapshotName)]
      : (await listSnapshots(svc.store)).filter((v) => isServerlessSnapshot(v.id));
    // A cache named must exist, unless its snapshots outlive it (as ElastiCache keeps them).
    const group = input.ServerlessCacheName !== undefined ? backingGroupId(input.ServerlessCacheName.toLowerCase()) : undefined;
    const matching = views.filter((v) => (!group || v.doc.config.replicationGroupId === group) &&
      (!input.SnapshotType || (input.SnapshotType === 'automatic') === (v.doc.source === 'automated')));
    if (group && matching.length === 0) await requireServerlessCache(svc, input.ServerlessCacheName);
    const { page, marker } = paginateById(matching, input.NextToken, input.MaxResults, { min: 1, max: 50 });
    return {
      ServerlessCacheSnapshots: page.map((v) => presentServerlessSnapshot(v.doc, serverlessSnapshotArn(svc, serverlessSnapshotName(v.id)))),
      ...(marker ? { NextToken: marker } : {}),
    };
  });
