import { CommonErrors, fault } from '../../errors/index.js';
import type { DescribeSnapshotsListMessage, DescribeSnapshotsMessage } from '../model/shapes.js';
import { defineAction } from './define.js';
import { paginateById } from '../pagination.js';
import { presentSnapshot } from '../present/snapshot.js';
import { findCacheCluster } from '../../resources/lookups.js';
import { findSnapshot } from '../../resources/snapshots.js';
import { isServerlessSnapshot } from '../../resources/serverless-snapshots.js';
import { listSnapshots, type SnapshotView } from '../../store/index.js';

/** DescribeSnapshots pages 20–50 records, 50 unless MaxRecords says otherwise (ElastiCache's limits for this action). */
const LIMITS = { min: 20, max: 50 };

/** The API's SnapshotSource values: `system` (automatic snapshots) and `user` (manual ones). */
const SOURCES: Record<string, 'automated' | 'manual'> = { system: 'automated', user: 'manual' };

/**
 * Snapshots in name order, filtered by source group or cluster, name and SnapshotSource. A name
 * that names no snapshot is SnapshotNotFoundFault, a cluster that neither exists nor is the source
 * of a snapshot CacheClusterNotFoundFault (snapshots outlive their sources, so filtering by a
 * deleted one still finds its final and manual snapshots).
 */
export default defineAction<DescribeSnapshotsMessage, DescribeSnapshotsListMessage>('DescribeSnapshots', async (input, svc) => {
  const source = input.SnapshotSource;
  if (source !== undefined && !Object.hasOwn(SOURCES, source)) {
    throw CommonErrors.invalidParameterValue(`Invalid SnapshotSource '${source}': use user (manual snapshots) or system (automatic snapshots).`);
  }
  let views: SnapshotView[];
  if (input.SnapshotName !== undefined) {
    const one = await findSnapshot(svc, input.SnapshotName);
    // Serverless cache snapshots are shown by DescribeServerlessCacheSnapshots only.
    if (!one || isServerlessSnapshot(one.id)) throw fault('SnapshotNotFoundFault', `Snapshot ${input.SnapshotName} not found.`);
    views = [one];
  } else {
    views = (await listSnapshots(svc.store)).filter((v) => !isServerlessSnapshot(v.id));
  }
  const group = input.ReplicationGroupId?.toLowerCase();
  const cluster = input.CacheClusterId?.toLowerCase();
  const matching = views.filter(({ doc: s }) =>
    (group === undefined || s.config.replicationGroupId === group) &&
    (cluster === undefined || s.config.cacheClusterId === cluster || s.work.nodeSnapshots.some((n) => n.cacheClusterId === cluster)) &&
    (source === undefined || s.source === SOURCES[source]));
  if (cluster !== undefined && matching.length === 0 && !(await findCacheCluster(svc, cluster))) {
    throw fault('CacheClusterNotFoundFault', `Cache cluster ${input.CacheClusterId} not found.`);
  }
  const { page, marker } = paginateById(matching, input.Marker, input.MaxRecords, LIMITS);
  return {
    ...(marker ? { Marker: marker } : {}),
    Snapshots: page.map((v) => presentSnapshot(v.doc, input.ShowNodeGroupConfig ?? false)),
  };
});
