import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.js';
import { confirmsName } from '../snapshots.js';
import { Modal } from './Modal.js';

export interface ConfirmDeleteDialogProps {
  /** What is deleted, as a reader says it: "parameter group", "user". */
  kind: string;
  name: string;
  /** The verb of the button (Delete, Reset). */
  verb?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children?: ComponentChildren;
}

const BUSY: Record<string, string> = { Delete: 'Deleting…', Reset: 'Resetting…' };

/** A destructive action confirmed as AWS's console confirms it: the resource's name typed. */
export function ConfirmDeleteDialog({ kind, name, verb = 'Delete', onConfirm, onClose, children }: ConfirmDeleteDialogProps) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirmsName(typed, name)) return;
    setBusy(true);
    setError('');
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal titleId="confirm-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="confirm-title">{verb} {kind} {name}?</h2>
        {children}
        <label for="confirm-name">To confirm, type the {kind}'s name, <strong>{name}</strong></label>
        <input id="confirm-name" value={typed} spellcheck={false} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" class="danger" disabled={busy || !confirmsName(typed, name)}>{busy ? (BUSY[verb] ?? 'Working…') : verb}</button>
        </div>
      </form>
    </Modal>
  );
}
