import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { DELETE_SERVERLESS_FIELDS, deleteServerlessParams } from '../serverless.js';
import { confirmsName } from '../snapshots.js';
import type { ServerlessCache } from '../types.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/** "Delete" a serverless cache, with an optional final snapshot, confirmed by typing its name; back to the dashboard. */
export function DeleteServerlessCacheDialog({ cache, onClose }: { cache: ServerlessCache; onClose: () => void }) {
  const name = cache.ServerlessCacheName!;
  const [finalSnapshot, setFinalSnapshot] = useState('');
  const [typed, setTyped] = useState('');
  const { errors: err, busy, run } = useSubmit(DELETE_SERVERLESS_FIELDS);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!confirmsName(typed, name)) return;
    void run(async () => {
      await call('DeleteServerlessCache', deleteServerlessParams(name, finalSnapshot));
      location.hash = '#/';
    });
  };
  return (
    <Modal titleId="delete-sl-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="delete-sl-title">Delete {name}?</h2>
        <p>The cache and its data are deleted. Take a final snapshot to keep the data.</p>
        <Field id="sl-final-snapshot" label="Final snapshot name (optional)" error={err.finalSnapshot}>
          <input {...described('sl-final-snapshot', err.finalSnapshot)} value={finalSnapshot} spellcheck={false} autocomplete="off"
            onInput={(e) => setFinalSnapshot(e.currentTarget.value)} />
        </Field>
        <label for="delete-sl-confirm">To confirm, type the cache's name, <strong>{name}</strong></label>
        <input id="delete-sl-confirm" value={typed} spellcheck={false} autocomplete="off" onInput={(e) => setTyped(e.currentTarget.value)} />
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Delete" busyLabel="Deleting…" busy={busy} danger disabled={!confirmsName(typed, name)} />
      </form>
    </Modal>
  );
}
