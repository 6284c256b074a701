import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { User } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { ConfirmDeleteDialog } from './ConfirmDeleteDialog.js';
import { Modal } from './Modal.js';
import { UserForm } from './UserForm.js';
import { RowActions } from './RowActions.js';

/** Users with their status, access string, authentication and groups; edit and delete (not the built-in `default`). */
export function UsersTable({ users, onChanged }: { users: User[]; onChanged: () => void }) {
  const [open, setOpen] = useState<{ what: 'edit' | 'delete'; user: User }>();
  const close = () => setOpen(undefined);
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">User ID</th><th scope="col">User name</th><th scope="col">Status</th><th scope="col">Access string</th>
          <th scope="col">Authentication</th><th scope="col">User groups</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {users.map((u) => {
            const id = u.UserId ?? '';
            return (
              <tr key={id} data-user={id}>
                <th scope="row">{id}</th>
                <td>{u.UserName}</td>
                <td><StatusBadge status={u.Status} /></td>
                <td class="mono">{u.AccessString}</td>
                <td>{u.Authentication?.Type === 'password' ? `${u.Authentication.PasswordCount ?? 0} password${u.Authentication.PasswordCount === 1 ? '' : 's'}` : u.Authentication?.Type ?? '—'}</td>
                <td>{(u.UserGroupIds ?? []).join(', ') || '—'}</td>
                <RowActions builtIn={id === 'default'} name={`user ${id}`}
                  onEdit={() => setOpen({ what: 'edit', user: u })} onDelete={() => setOpen({ what: 'delete', user: u })} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {open?.what === 'edit' && (
        <Modal titleId="edit-user-title" onClose={close}>
          <h2 id="edit-user-title">Edit user {open.user.UserId}</h2>
          <UserForm user={open.user} onCancel={close} onDone={() => { close(); onChanged(); }} />
        </Modal>
      )}
      {open?.what === 'delete' && (
        <ConfirmDeleteDialog kind="user" name={open.user.UserId ?? ''} onClose={close}
          onConfirm={() => call('DeleteUser', { UserId: open.user.UserId! }).then(onChanged)} />
      )}
    </div>
  );
}
