import { callAll } from '../api.js';
import { newestFirst } from '../snapshots.js';
import { usePoll } from '../use-poll.js';
import type { ReplicationGroup, Snapshot } from '../types.js';
import { SnapshotsTable } from './SnapshotsTable.js';
import { POLL_MS } from './Dashboard.js';

interface SnapshotsView {
  snapshots: Snapshot[];
  groups: Map<string, { tls: boolean }>;
}

/** Every snapshot (every Marker page) and which source groups still exist. */
async function loadSnapshots(): Promise<SnapshotsView> {
  const [snapshots, groups] = await Promise.all([
    callAll<Snapshot>('DescribeSnapshots', 'Snapshots', { ShowNodeGroupConfig: 'true', MaxRecords: '50' }, Infinity),
    callAll<ReplicationGroup>('DescribeReplicationGroups', 'ReplicationGroups', { MaxRecords: '100' }, Infinity),
  ]);
  return {
    snapshots: newestFirst(snapshots),
    groups: new Map(groups.map((g) => [g.ReplicationGroupId!, { tls: g.TransitEncryptionEnabled === true }])),
  };
}

/** The Snapshots page: every snapshot of the fleet, each linking to its source group when it still exists. */
export function SnapshotsPage() {
  const view = usePoll(loadSnapshots, POLL_MS);
  return (
    <>
      <h1>Snapshots</h1>
      {view.error && <p class="error" role="alert">Could not load the snapshots: {view.error.message}</p>}
      {!view.data ? <p role="status">Loading…</p>
        : <SnapshotsTable snapshots={view.data.snapshots} groups={view.data.groups} onChanged={view.refresh} />}
    </>
  );
}
