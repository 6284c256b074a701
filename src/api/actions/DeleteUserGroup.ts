import { fault } from '../../errors/index.js';
import type { DeleteUserGroupMessage, UserGroup } from '../model/shapes.js';
import { presentUserGroup } from '../present/user.js';
import { retryOnConflict } from '../../resources/commit.js';
import { deleteTagOps } from '../../resources/tags.js';
import { requireUserGroup } from '../../resources/users.js';
import { attachedGroups, userMembershipOps } from '../../resources/user-groups.js';
import { serverlessCacheOf } from '../../resources/serverless.js';
import { getUser, userGroupDelete, type UserView } from '../../store/index.js';
import { defineAction } from './define.js';

/** Deletes a user group no replication group uses (InvalidUserGroupState otherwise); its users stay. */
export default defineAction<DeleteUserGroupMessage, UserGroup>('DeleteUserGroup', async (input, svc) => retryOnConflict(async () => {
  const view = await requireUserGroup(svc, input.UserGroupId);
  const g = view.doc;
  const attached = await attachedGroups(svc, g);
  // A serverless cache uses it through its backing group (resources/serverless.ts): named as the cache.
  const caches = attached.flatMap((r) => serverlessCacheOf(r.id) ?? []);
  if (caches.length) {
    throw fault('InvalidUserGroupStateFault',
      `User group ${g.userGroupId} is used by serverless cache${caches.length > 1 ? 's' : ''} ${caches.join(', ')}; ` +
      'remove it from them first (ModifyServerlessCache RemoveUserGroup).');
  }
  if (attached.length) {
    throw fault('InvalidUserGroupStateFault',
      `User group ${g.userGroupId} is used by replication group${attached.length > 1 ? 's' : ''} ${attached.map((r) => r.id).join(', ')}; ` +
      'remove it from them first (ModifyReplicationGroup UserGroupIdsToRemove).');
  }
  if (g.status === 'modifying' || g.status === 'deleting') {
    throw fault('InvalidUserGroupStateFault', `User group ${g.userGroupId} is ${g.status}; it can be deleted once active.`);
  }
  const users = (await Promise.all(g.userIds.map((id) => getUser(svc.store, id)))).filter((u): u is UserView => !!u);
  await svc.store.commit([
    ...userGroupDelete(view),
    ...userMembershipOps(users, g.userGroupId, false),
    ...await deleteTagOps(svc.store, g.arn),
  ]);
  await svc.events.emit('user-group', g.userGroupId, `User group ${g.userGroupId} deleted`);
  return presentUserGroup({ ...g, status: 'deleting' });
}));
