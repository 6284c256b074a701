import type { Snapshot } from '../types.js';
import { SnapshotRow } from './SnapshotRow.js';

export interface SnapshotsTableProps {
  snapshots: Snapshot[];
  /** The groups that exist now (the Snapshots page shows a source column, linked when its group exists). */
  groups?: ReadonlyMap<string, { tls: boolean }>;
  /** TLS of restores when no source column is shown (a group's own page). */
  tls?: boolean;
  onChanged: () => void;
}

/** Snapshots, newest first, each with its actions. */
export function SnapshotsTable({ snapshots, groups, tls = false, onChanged }: SnapshotsTableProps) {
  if (snapshots.length === 0) return <p class="muted">No snapshots.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Status</th>{groups && <th scope="col">Source group</th>}<th scope="col">Type</th>
            <th scope="col">Created</th><th scope="col">Size</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {snapshots.map((s) => {
            const source = groups?.get(s.ReplicationGroupId ?? '');
            return (
              <SnapshotRow key={s.SnapshotName} snapshot={s} onChanged={onChanged}
                source={groups ? { exists: source !== undefined } : undefined} tls={groups ? source?.tls ?? false : tls} />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
