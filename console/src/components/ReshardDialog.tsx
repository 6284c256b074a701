import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { RESHARD_FIELDS, reshardParams } from '../group-actions.js';
import type { ReplicationGroup } from '../types.js';
import { useSubmit } from '../use-submit.js';
import { described, Field } from './Field.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/** "Reshard" (cluster mode): the number of shards; slots move online, the page shows the progress. */
export function ReshardDialog({ group, onClose, onDone }: { group: ReplicationGroup; onClose: () => void; onDone: (notice: string) => void }) {
  const now = group.NodeGroups?.length ?? 0;
  const [count, setCount] = useState(String(now + 1));
  const { errors: err, busy, run } = useSubmit(RESHARD_FIELDS);
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call('ModifyReplicationGroupShardConfiguration', reshardParams(group, count));
      onDone(`Resharding ${group.ReplicationGroupId} from ${now} to ${count.trim()} shards.`);
      onClose();
    });
  };
  const fewer = Number(count) < now;
  return (
    <Modal titleId="reshard-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="reshard-title">Reshard {group.ReplicationGroupId}</h2>
        <p>{now} shards now. Slots move online while clients keep working{fewer ? '; the highest-numbered shards are removed once their slots have moved' : ''}.</p>
        <Field id="shard-count" label="Number of shards" error={err.shards}>
          <input {...described('shard-count', err.shards)} type="number" min={1} value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </Field>
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Reshard" busyLabel="Starting…" busy={busy} danger={fewer} disabled={count.trim() === String(now)} />
      </form>
    </Modal>
  );
}
