import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { User, UserGroup } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';
import { Modal } from './Modal.js';
import { UserGroupForm } from './UserGroupForm.js';
import { RowActions } from './RowActions.js';

/** User groups with their status, users and caches; edit users and delete. */
export function UserGroupsTable({ groups, users, onChanged }: { groups: UserGroup[]; users: User[]; onChanged: () => void }) {
  const [open, setOpen] = useState<{ what: 'edit' | 'delete'; group: UserGroup }>();
  const close = () => setOpen(undefined);
  if (groups.length === 0) return <p class="muted">No user groups.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">User group ID</th><th scope="col">Status</th><th scope="col">Engine</th><th scope="col">Users</th>
          <th scope="col">Caches</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {groups.map((g) => {
            const id = g.UserGroupId ?? '';
            return (
              <tr key={id} data-user-group={id}>
                <th scope="row">{id}</th>
                <td><StatusBadge status={g.Status} /></td>
                <td>{g.Engine}</td>
                <td class="users">{(g.UserIds ?? []).join(', ')}</td>
                <td>{[...(g.ReplicationGroups ?? []), ...(g.ServerlessCaches ?? [])].join(', ') || '—'}</td>
                <RowActions name={`user group ${id}`} onEdit={() => setOpen({ what: 'edit', group: g })} onDelete={() => setOpen({ what: 'delete', group: g })} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {open?.what === 'edit' && (
        <Modal titleId="edit-ug-title" onClose={close}>
          <h2 id="edit-ug-title">Edit user group {open.group.UserGroupId}</h2>
          <UserGroupForm group={open.group} users={users} onCancel={close} onDone={() => { close(); onChanged(); }} />
        </Modal>
      )}
      {open?.what === 'delete' && (
        <ConfirmDeleteDialog kind="user group" name={open.group.UserGroupId ?? ''} onClose={close}
          onConfirm={() => call('DeleteUserGroup', { UserGroupId: open.group.UserGroupId! }).then(onChanged)} />
      )}
    </div>
  );
}
