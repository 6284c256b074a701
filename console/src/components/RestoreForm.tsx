import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { groupHref } from '../router.js';
import { restoreParams, RESTORE_FIELDS, type RestoreValues } from '../snapshots.js';
import type { Snapshot } from '../types.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { errorOfField } from '../snapshot-errors.js';
import { DialogButtons } from './DialogButtons.js';
import { FormError } from './FormError.js';

type Errors = Partial<Record<keyof RestoreValues | 'form', string>>;

/**
 * "Restore to a new cache": a new group with the snapshot's node type and shape (restoreParams),
 * then the new group's page, which shows the restore until `available`. TLS starts as the source
 * group had it (the AUTH token is never shown by the API, so it is asked again).
 */
export function RestoreForm({ snapshot, tls, onClose }: { snapshot: Snapshot; tls: boolean; onClose: () => void }) {
  const [v, setV] = useState<RestoreValues>({ groupId: '', inTransit: tls, authToken: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await call('CreateReplicationGroup', restoreParams(snapshot, v));
      onClose();
      location.hash = groupHref(v.groupId.trim());
    } catch (err) {
      const found = errorOfField(RESTORE_FIELDS, err) as Errors;
      setErrors(found);
      setBusy(false);
    }
  };
  const err = errors;
  return (
    <Modal titleId="restore-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="restore-title">Restore {snapshot.SnapshotName} to a new cache</h2>
        <p class="muted">{snapshot.CacheNodeType}, {snapshot.NumNodeGroups ?? 1} shard(s), {snapshot.Engine} {snapshot.EngineVersion}.</p>
        <Field id="restore-group-id" label="New replication group ID" error={err.groupId} hint="1-40 letters, digits and hyphens, starting with a letter.">
          <input {...described('restore-group-id', err.groupId, 'hint')} value={v.groupId} spellcheck={false}
            onInput={(e) => setV({ ...v, groupId: e.currentTarget.value })} />
        </Field>
        <div class="check"><input type="checkbox" id="restore-tls" checked={v.inTransit} aria-invalid={err.inTransit ? true : undefined}
          onChange={(e) => setV({ ...v, inTransit: e.currentTarget.checked })} />
          <label for="restore-tls">Encryption in transit (TLS)</label></div>
        {err.inTransit && <p class="error field-error" role="alert">{err.inTransit}</p>}
        <Field id="restore-auth-token" label="AUTH token" error={err.authToken} hint="Needs encryption in transit. Empty: none.">
          <input {...described('restore-auth-token', err.authToken, 'hint')} type="password" autocomplete="new-password" value={v.authToken}
            onInput={(e) => setV({ ...v, authToken: e.currentTarget.value })} />
        </Field>
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Restore" busyLabel="Restoring…" busy={busy} />
      </form>
    </Modal>
  );
}
