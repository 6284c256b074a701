import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { AUTH_FIELDS, authTokenParams } from '../group-actions.js';
import type { ReplicationGroup } from '../types.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/**
 * "Rotate AUTH token", in ElastiCache's two steps: ROTATE (the old and the new token both work, so
 * clients move over without an error), then SET (only the new one works).
 */
export function RotateAuthTokenDialog({ group, onClose, onDone }: { group: ReplicationGroup; onClose: () => void; onDone: (notice: string) => void }) {
  const [token, setToken] = useState('');
  const [rotated, setRotated] = useState(false);
  const { errors: err, busy, run } = useSubmit(AUTH_FIELDS);
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call('ModifyReplicationGroup', authTokenParams(group, token, rotated ? 'SET' : 'ROTATE'));
      if (rotated) {
        onDone('The new AUTH token is now the only one.');
        onClose();
      } else {
        setRotated(true);
        onDone('AUTH token rotated: the old and the new token both work until the new one is set.');
      }
    });
  };
  return (
    <Modal titleId="auth-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="auth-title">Rotate the AUTH token of {group.ReplicationGroupId}</h2>
        {!rotated ? (
          <>
            <p>Step 1 of 2: the new token is added; the current one keeps working until step 2.</p>
            <Field id="auth-token" label="New AUTH token" error={err.token} hint="16 to 128 printable characters, without spaces, /, &quot; or @.">
              <input {...described('auth-token', err.token, 'hint')} type="password" autocomplete="new-password" value={token}
                onInput={(e) => setToken(e.currentTarget.value)} />
            </Field>
          </>
        ) : (
          <p role="status">Step 2 of 2: both tokens work now. Once every client uses the new one, set it as the only token.
            {group.Status !== 'available' && ` Waiting for ${group.ReplicationGroupId} to be available (${group.Status})…`}</p>
        )}
        <FormError message={err.token && rotated ? err.token : err.form} />
        <DialogButtons onCancel={onClose} label={rotated ? 'Set as the only token' : 'Rotate'} busyLabel="Applying…" busy={busy}
          danger={rotated} disabled={token === '' || (rotated && group.Status !== 'available')} />
      </form>
    </Modal>
  );
}
