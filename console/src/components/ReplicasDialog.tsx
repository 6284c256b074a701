import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { REPLICA_FIELDS, replicaChange, replicaCount } from '../group-actions.js';
import type { ReplicationGroup } from '../types.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/** "Replicas": the number of read replicas per shard (IncreaseReplicaCount / DecreaseReplicaCount, applied now). */
export function ReplicasDialog({ group, onClose, onDone }: { group: ReplicationGroup; onClose: () => void; onDone: (notice: string) => void }) {
  const now = replicaCount(group);
  const [wanted, setWanted] = useState(String(now + 1));
  const { errors: err, busy, run } = useSubmit(REPLICA_FIELDS);
  const change = replicaChange(group, Number(wanted));
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      // A count the API refuses (not a number, out of range) is sent as typed, so its message is shown.
      const c = change ?? { action: Number(wanted) < now ? 'DecreaseReplicaCount' : 'IncreaseReplicaCount',
        params: { ReplicationGroupId: group.ReplicationGroupId!, NewReplicaCount: wanted.trim(), ApplyImmediately: 'true' } };
      await call(c.action, c.params);
      onDone(`${c.action === 'IncreaseReplicaCount' ? 'Adding' : 'Removing'} replicas: ${wanted.trim()} per shard.`);
      onClose();
    });
  };
  return (
    <Modal titleId="replicas-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="replicas-title">Replicas of {group.ReplicationGroupId}</h2>
        <p>Each shard has {now} {now === 1 ? 'replica' : 'replicas'} now. Replicas are added or removed at once; removing one closes its clients' connections.</p>
        <Field id="replica-count" label="Replicas per shard" error={err.replicas}>
          <input {...described('replica-count', err.replicas)} type="number" min={0} max={5} value={wanted} onInput={(e) => setWanted(e.currentTarget.value)} />
        </Field>
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label={change?.action === 'DecreaseReplicaCount' ? 'Remove replicas' : 'Add replicas'}
          busyLabel="Applying…" busy={busy} danger={change?.action === 'DecreaseReplicaCount'} disabled={wanted.trim() === String(now)} />
      </form>
    </Modal>
  );
}
