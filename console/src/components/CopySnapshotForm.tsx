import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { COPY_SNAPSHOT_FIELDS } from '../snapshots.js';
import type { Snapshot } from '../types.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { errorOfField } from '../snapshot-errors.js';
import { DialogButtons } from './DialogButtons.js';
import { FormError } from './FormError.js';

/** "Copy": CopySnapshot to a new name (TargetSnapshotName), the API's message beside the field. */
export function CopySnapshotForm({ snapshot, onClose, onDone }: { snapshot: Snapshot; onClose: () => void; onDone: () => void }) {
  const [target, setTarget] = useState('');
  const [errors, setErrors] = useState<{ target?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await call('CopySnapshot', { SourceSnapshotName: snapshot.SnapshotName!, TargetSnapshotName: target.trim() });
      onDone();
      onClose();
    } catch (err) {
      setErrors(errorOfField(COPY_SNAPSHOT_FIELDS, err));
      setBusy(false);
    }
  };
  return (
    <Modal titleId="copy-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="copy-title">Copy {snapshot.SnapshotName}</h2>
        <Field id="copy-target" label="New snapshot name" error={errors.target}>
          <input {...described('copy-target', errors.target)} value={target} spellcheck={false} onInput={(e) => setTarget(e.currentTarget.value)} />
        </Field>
        <FormError message={errors.form} />
        <DialogButtons onCancel={onClose} label="Copy" busyLabel="Copying…" busy={busy} />
      </form>
    </Modal>
  );
}
