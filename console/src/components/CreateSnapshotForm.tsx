import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { CREATE_SNAPSHOT_FIELDS } from '../snapshots.js';
import { described, Field } from './Field.js';
import { errorOfField } from '../snapshot-errors.js';
import { FormError } from './FormError.js';

/** "Create snapshot" of a group: a name, validated by the API (its message shown beside the field). */
export function CreateSnapshotForm({ groupId, onDone }: { groupId: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<{ name?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setNotice('');
    try {
      await call('CreateSnapshot', { ReplicationGroupId: groupId, SnapshotName: name.trim() });
      setNotice(`Snapshot ${name.trim()} is being created.`);
      setName('');
      onDone();
    } catch (err) {
      const found = errorOfField(CREATE_SNAPSHOT_FIELDS, err);
      setErrors(found);
      // A form-wide error focuses itself once drawn (FormError).
      if (found.name) document.getElementById('snapshot-name')?.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate>
      <Field id="snapshot-name" label="Snapshot name" error={errors.name} hint="1-40 letters, digits and hyphens, starting with a letter.">
        <input {...described('snapshot-name', errors.name, 'hint')} value={name} onInput={(e) => setName(e.currentTarget.value)} spellcheck={false} />
      </Field>
      <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create snapshot'}</button>
      <FormError id="snapshot-create-error" message={errors.form} />
      <p role="status" class="muted">{notice}</p>
    </form>
  );
}
