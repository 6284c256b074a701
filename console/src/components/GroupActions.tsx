import { useState } from 'preact/hooks';
import type { ReplicationGroup } from '../types.js';
import { TestFailover } from './TestFailover.js';
import { ModifyGroupDialog } from './ModifyGroupDialog.js';
import { ReplicasDialog } from './ReplicasDialog.js';
import { ReshardDialog } from './ReshardDialog.js';
import { RotateAuthTokenDialog } from './RotateAuthTokenDialog.js';
import { DeleteGroupDialog } from './DeleteGroupDialog.js';

type Open = 'modify' | 'replicas' | 'reshard' | 'auth' | 'delete';

/**
 * A group's actions: modify, replicas, reshard (cluster mode), rotate the AUTH token (with TLS),
 * test failover and delete. Each opens its dialog; what it started is said beside the buttons,
 * and the page's polling shows the group turn `modifying`, then `available`.
 */
export function GroupActions({ group, notice, onDone }: { group: ReplicationGroup; notice: string; onDone: (notice: string) => void }) {
  const [open, setOpen] = useState<Open | undefined>();
  const close = () => setOpen(undefined);
  const available = group.Status === 'available';
  const props = { group, onClose: close, onDone };
  return (
    <div class="actions group-actions">
      <button type="button" disabled={!available} onClick={() => setOpen('modify')}>Modify…</button>
      {!group.ClusterEnabled && <button type="button" disabled={!available} onClick={() => setOpen('replicas')}>Replicas…</button>}
      {group.ClusterEnabled && <button type="button" disabled={!available} onClick={() => setOpen('reshard')}>Reshard…</button>}
      {group.TransitEncryptionEnabled && (
        <button type="button" disabled={!available} onClick={() => setOpen('auth')}>Rotate AUTH token…</button>
      )}
      <TestFailover group={group} onDone={() => onDone('')} />
      <button type="button" class="danger" disabled={group.Status === 'deleting'} onClick={() => setOpen('delete')}>Delete…</button>
      <span role="status" class="muted" data-notice>{notice}</span>
      {open === 'modify' && <ModifyGroupDialog {...props} />}
      {open === 'replicas' && <ReplicasDialog {...props} />}
      {open === 'reshard' && <ReshardDialog {...props} />}
      {open === 'auth' && <RotateAuthTokenDialog {...props} />}
      {open === 'delete' && <DeleteGroupDialog group={group} onClose={close} />}
    </div>
  );
}
