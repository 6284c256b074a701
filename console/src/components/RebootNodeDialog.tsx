import { call } from '../api.js';
import { rebootParams } from '../group-actions.js';
import { useSubmit } from '../use-submit.js';
import { Modal } from './Modal.js';
import { FormError } from './FormError.js';
import { DialogButtons } from './DialogButtons.js';

/** "Reboot" one node (RebootCacheCluster with its node id): its clients are disconnected while it restarts. */
export function RebootNodeDialog({ clusterId, onClose, onDone }: { clusterId: string; onClose: () => void; onDone: (notice: string) => void }) {
  const { errors: err, busy, run } = useSubmit({});
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await call('RebootCacheCluster', rebootParams(clusterId));
      onDone(`Rebooting node ${clusterId}.`);
      onClose();
    });
  };
  return (
    <Modal titleId="reboot-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="reboot-title">Reboot node {clusterId}?</h2>
        <p>The node restarts and its clients' connections are closed until it is back.</p>
        <FormError message={err.form} />
        <DialogButtons onCancel={onClose} label="Reboot" busyLabel="Rebooting…" busy={busy} danger />
      </form>
    </Modal>
  );
}
