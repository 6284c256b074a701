import { callAll } from '../api.js';
import { usePoll } from '../use-poll.js';
import type { User, UserGroup } from '../types.js';
import { POLL_MS } from './Dashboard.js';
import { UserForm } from './UserForm.js';
import { UsersTable } from './UsersTable.js';
import { UserGroupForm } from './UserGroupForm.js';
import { UserGroupsTable } from './UserGroupsTable.js';

interface RbacView { users: User[]; groups: UserGroup[] }

async function loadRbac(): Promise<RbacView> {
  const [users, groups] = await Promise.all([
    callAll<User>('DescribeUsers', 'Users', { MaxRecords: '100' }, Infinity),
    callAll<UserGroup>('DescribeUserGroups', 'UserGroups', { MaxRecords: '100' }, Infinity),
  ]);
  return { users, groups };
}

/** The Users page (RBAC): users and user groups with their statuses; create, edit and delete each. */
export function UsersPage() {
  const view = usePoll(loadRbac, POLL_MS);
  const users = view.data?.users ?? [];
  return (
    <>
      <h1>Users and user groups</h1>
      {view.error && <p class="error" role="alert">Could not load the users: {view.error.message}</p>}
      <section aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <UserForm onDone={view.refresh} />
        {!view.data ? <p role="status">Loading…</p> : <UsersTable users={users} onChanged={view.refresh} />}
      </section>
      <section aria-labelledby="user-groups-title">
        <h2 id="user-groups-title">User groups</h2>
        {view.data && <UserGroupForm users={users} onDone={view.refresh} />}
        {view.data && <UserGroupsTable groups={view.data.groups} users={users} onChanged={view.refresh} />}
      </section>
    </>
  );
}
