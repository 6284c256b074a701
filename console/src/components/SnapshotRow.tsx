import { useState } from 'preact/hooks';
import { groupHref } from '../router.js';
import { snapshotSize, snapshotTime } from '../snapshots.js';
import type { Snapshot } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { RestoreForm } from './RestoreForm.js';
import { CopySnapshotForm } from './CopySnapshotForm.js';
import { DeleteSnapshotDialog } from './DeleteSnapshotDialog.js';

export interface SnapshotRowProps {
  snapshot: Snapshot;
  /** Show the source column: a link when the source group still exists. */
  source?: { exists: boolean };
  /** Whether a restore starts with TLS on (the source group has it). */
  tls: boolean;
  onChanged: () => void;
}

/** One snapshot: name, status, source, time, size, and its actions (restore, copy, delete). */
export function SnapshotRow({ snapshot: s, source, tls, onChanged }: SnapshotRowProps) {
  const [open, setOpen] = useState<'restore' | 'copy' | 'delete' | undefined>();
  const time = snapshotTime(s);
  const available = s.SnapshotStatus === 'available';
  const name = s.SnapshotName ?? '';
  const close = () => setOpen(undefined);
  return (
    <tr data-snapshot={name}>
      <th scope="row">{name}</th>
      <td><StatusBadge status={s.SnapshotStatus} /></td>
      {source && (
        <td>{!s.ReplicationGroupId ? (s.CacheClusterId ?? '—')
          : source.exists ? <a href={groupHref(s.ReplicationGroupId)}>{s.ReplicationGroupId}</a> : <span>{s.ReplicationGroupId} <span class="muted">(deleted)</span></span>}</td>
      )}
      <td>{s.SnapshotSource ?? '—'}</td>
      <td>{time ? <time dateTime={time}>{new Date(time).toLocaleString()}</time> : '—'}</td>
      <td>{snapshotSize(s) ?? '—'}</td>
      <td class="row-actions">
        <button type="button" disabled={!available} onClick={() => setOpen('restore')}>Restore <span class="visually-hidden">{name} </span>to a new cache</button>
        <button type="button" disabled={!available} onClick={() => setOpen('copy')}>Copy<span class="visually-hidden"> {name}</span></button>
        <button type="button" onClick={() => setOpen('delete')}>Delete<span class="visually-hidden"> {name}</span></button>
        {open === 'restore' && <RestoreForm snapshot={s} tls={tls} onClose={close} />}
        {open === 'copy' && <CopySnapshotForm snapshot={s} onClose={close} onDone={onChanged} />}
        {open === 'delete' && <DeleteSnapshotDialog snapshot={s} onClose={close} onDone={onChanged} />}
      </td>
    </tr>
  );
}
