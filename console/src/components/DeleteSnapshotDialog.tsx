import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { confirmsName } from '../snapshots.js';
import type { Snapshot } from '../types.js';
import { Modal } from './Modal.js';

/** "Delete", confirmed as AWS's console confirms destructive actions: the snapshot's name typed. */
export function DeleteSnapshotDialog({ snapshot, onClose, onDone }: { snapshot: Snapshot; onClose: () => void; onDone: () => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const name = snapshot.SnapshotName;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirmsName(typed, name)) return;
    setBusy(true);
    setError('');
    try {
      await call('DeleteSnapshot', { SnapshotName: name! });
      onDone();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal titleId="delete-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="delete-title">Delete snapshot {name}?</h2>
        <p>The snapshot's data is deleted for good; caches restored from it keep theirs.</p>
        <label for="delete-confirm">To confirm, type the snapshot's name, <strong>{name}</strong></label>
        <input id="delete-confirm" value={typed} spellcheck={false} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" class="danger" disabled={busy || !confirmsName(typed, name)}>{busy ? 'Deleting…' : 'Delete'}</button>
        </div>
      </form>
    </Modal>
  );
}
