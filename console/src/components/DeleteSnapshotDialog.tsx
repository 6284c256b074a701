import { call } from '../api.js';
import type { Snapshot } from '../types.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';

/** "Delete", confirmed as AWS's console confirms destructive actions: the snapshot's name typed. */
export function DeleteSnapshotDialog({ snapshot, onClose, onDone }: { snapshot: Snapshot; onClose: () => void; onDone: () => void }) {
  const name = snapshot.SnapshotName!;
  return (
    <ConfirmDeleteDialog kind="snapshot" name={name} onClose={onClose}
      onConfirm={async () => { await call('DeleteSnapshot', { SnapshotName: name }); onDone(); }}>
      <p>The snapshot's data is deleted for good; caches restored from it keep theirs.</p>
    </ConfirmDeleteDialog>
  );
}
