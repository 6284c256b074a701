import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { CacheSubnetGroup } from '../types.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';
import { Modal } from './Modal.js';
import { SubnetGroupForm } from './SubnetGroupForm.js';
import { RowActions } from './RowActions.js';

/** Subnet groups with their subnets (and zones), each with edit and delete (not the built-in `default`). */
export function SubnetGroupsTable({ groups, onChanged }: { groups: CacheSubnetGroup[]; onChanged: () => void }) {
  const [open, setOpen] = useState<{ what: 'edit' | 'delete'; group: CacheSubnetGroup }>();
  const close = () => setOpen(undefined);
  if (groups.length === 0) return <p class="muted">No subnet groups.</p>;
  return (
    // Focusable: a table wider than the screen scrolls, and a keyboard must reach its overflow.
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Subnet groups">
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Subnets</th><th scope="col">VPC</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {groups.map((g) => {
            const name = g.CacheSubnetGroupName ?? '';
            return (
              <tr key={name} data-subnet-group={name}>
                <th scope="row">{name}</th>
                <td>{g.CacheSubnetGroupDescription}</td>
                <td class="wrap">{(g.Subnets ?? []).map((s) => `${s.SubnetIdentifier}${s.SubnetAvailabilityZone?.Name ? ` (${s.SubnetAvailabilityZone.Name})` : ''}`).join(', ')}</td>
                <td class="mono">{g.VpcId ?? '—'}</td>
                <RowActions builtIn={name === 'default'} name={name ?? ''}
                  onEdit={() => setOpen({ what: 'edit', group: g })} onDelete={() => setOpen({ what: 'delete', group: g })} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {open?.what === 'edit' && (
        <Modal titleId="edit-subnet-title" onClose={close}>
          <h2 id="edit-subnet-title">Edit subnet group {open.group.CacheSubnetGroupName}</h2>
          <SubnetGroupForm group={open.group} onCancel={close} onDone={() => { close(); onChanged(); }} />
        </Modal>
      )}
      {open?.what === 'delete' && (
        <ConfirmDeleteDialog kind="subnet group" name={open.group.CacheSubnetGroupName ?? ''} onClose={close}
          onConfirm={() => call('DeleteCacheSubnetGroup', { CacheSubnetGroupName: open.group.CacheSubnetGroupName! }).then(onChanged)} />
      )}
    </div>
  );
}
