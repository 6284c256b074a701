import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { DELETE_FIELDS, deleteParams } from '../group-actions.js';
import { confirmsName } from '../snapshots.js';
import type { ReplicationGroup } from '../types.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/** "Delete", with an optional final snapshot, confirmed as AWS's console does: the group's id typed. */
export function DeleteGroupDialog({ group, onClose }: { group: ReplicationGroup; onClose: () => void }) {
  const id = group.ReplicationGroupId!;
  const [finalSnapshot, setFinalSnapshot] = useState('');
  const [typed, setTyped] = useState('');
  const { errors: err, busy, run } = useSubmit(DELETE_FIELDS);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!confirmsName(typed, id)) return;
    void run(async () => {
      await call('DeleteReplicationGroup', deleteParams(group, finalSnapshot));
      location.hash = '#/';
    });
  };
  return (
    <Modal titleId="delete-group-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="delete-group-title">Delete {id}?</h2>
        <p>Every node of the group and its data are deleted. Take a final snapshot to keep the data.</p>
        <Field id="final-snapshot" label="Final snapshot name (optional)" error={err.finalSnapshot}>
          <input {...described('final-snapshot', err.finalSnapshot)} value={finalSnapshot} spellcheck={false} autocomplete="off"
            onInput={(e) => setFinalSnapshot(e.currentTarget.value)} />
        </Field>
        <label for="delete-group-confirm">To confirm, type the group's ID, <strong>{id}</strong></label>
        <input id="delete-group-confirm" value={typed} spellcheck={false} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Delete" busyLabel="Deleting…" busy={busy} danger disabled={!confirmsName(typed, id)} />
      </form>
    </Modal>
  );
}
