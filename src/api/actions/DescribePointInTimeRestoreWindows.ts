import { archivePrefix, archiveRoot, pointInTimeEnabled, shardIds } from '../../resources/point-in-time.js';
import { requireReplicationGroup } from '../../resources/lookups.js';
import { intersectCoverage } from '../../snapshots/pitr/index.js';
import { defineAction } from './define.js';

interface Input { ReplicationGroupId: string }
interface Output {
  ReplicationGroupId: string;
  PointInTimeRestoreEnabled: boolean;
  RestoreWindows: Array<{ EarliestRestorableTime: Date; LatestRestorableTime: Date }>;
}

/**
 * cachefleet's own action (api/model/extensions.json; `cachefleet restore --list` sends it): the
 * stretches of time a group's point-in-time archive can restore to, both ends included, to the
 * second — every shard's archive covers them. Empty when the group keeps no archive (yet).
 */
export default defineAction<Input, Output>('DescribePointInTimeRestoreWindows', async (input, svc) => {
  const g = (await requireReplicationGroup(svc, input.ReplicationGroupId)).doc;
  const enabled = pointInTimeEnabled((await svc.store.get('tags', g.arn))?.doc.tags);
  const root = archiveRoot(g);
  const now = svc.now().getTime();
  const windows = enabled
    ? intersectCoverage(await Promise.all(shardIds(g).map((s) => svc.backups.archiveCoverage(archivePrefix(root, s), now))))
    : [];
  return {
    ReplicationGroupId: g.id, PointInTimeRestoreEnabled: enabled,
    RestoreWindows: windows.map((w) => ({ EarliestRestorableTime: w.from, LatestRestorableTime: w.to })),
  };
});
