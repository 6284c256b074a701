import { callAll } from '../api.js';
import { newestFirst } from '../snapshots.js';
import { usePoll } from '../use-poll.js';
import type { ReplicationGroup, Snapshot } from '../types.js';
import { CreateSnapshotForm } from './CreateSnapshotForm.js';
import { SnapshotsTable } from './SnapshotsTable.js';
import { POLL_MS } from './Dashboard.js';

/** A group's snapshots (polled, so a new one turns `available` on screen), and "Create snapshot". */
export function SnapshotsSection({ group }: { group: ReplicationGroup }) {
  const id = group.ReplicationGroupId!;
  const snapshots = usePoll(() => callAll<Snapshot>('DescribeSnapshots', 'Snapshots',
    { ReplicationGroupId: id, ShowNodeGroupConfig: 'true', MaxRecords: '50' }, Infinity), POLL_MS, [id]);
  return (
    <section aria-labelledby="snapshots-title">
      <h2 id="snapshots-title">Snapshots</h2>
      <CreateSnapshotForm groupId={id} onDone={snapshots.refresh} />
      {snapshots.error && <p class="error" role="alert">Could not load the snapshots: {snapshots.error.message}</p>}
      {!snapshots.data ? <p role="status">Loading…</p>
        : <SnapshotsTable snapshots={newestFirst(snapshots.data)} tls={group.TransitEncryptionEnabled === true} onChanged={snapshots.refresh} />}
    </section>
  );
}
