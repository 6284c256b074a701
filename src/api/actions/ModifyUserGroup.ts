import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyUserGroupMessage, UserGroup } from '../model/shapes.js';
import { presentUserGroup } from '../present/user.js';
import { retryOnConflict } from '../../resources/commit.js';
import { attachedGroups, checkEngine, checkMembers, idList, requireUserGroup, userMembershipOps } from '../../resources/users.js';
import type { Stored, UserGroupRecord } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * Adds users to and removes users from a user group. The group must still hold exactly one user
 * named `default`. Attached to replication groups, it is `modifying` (PendingChanges) until every
 * node has the new ACL: added users exist there, removed ones are deleted (ACL DELUSER, which
 * also closes their connections).
 */
export default defineAction<ModifyUserGroupMessage, UserGroup>('ModifyUserGroup', async (input, svc) => retryOnConflict(async () => {
  const { doc: g, version } = await requireUserGroup(svc, input.UserGroupId);
  checkEngine(input.Engine, false);
  const add = idList('UserId', input.UserIdsToAdd, 'UserIdsToAdd');
  const remove = idList('UserId', input.UserIdsToRemove, 'UserIdsToRemove');
  if (add.length === 0 && remove.length === 0) {
    throw CommonErrors.invalidParameterCombination('No modifications were requested: give UserIdsToAdd or UserIdsToRemove.');
  }
  const both = add.find((id) => remove.includes(id));
  if (both) throw CommonErrors.invalidParameterCombination(`User ${both} is in both UserIdsToAdd and UserIdsToRemove.`);
  if (g.status !== 'active') throw fault('InvalidUserGroupStateFault', `User group ${g.userGroupId} is ${g.status}; it can be modified only when active.`);
  const already = add.find((id) => g.userIds.includes(id));
  if (already) throw CommonErrors.invalidParameterValue(`User ${already} is already in user group ${g.userGroupId}.`);
  const missing = remove.find((id) => !g.userIds.includes(id));
  if (missing) throw CommonErrors.invalidParameterValue(`User ${missing} is not in user group ${g.userGroupId}.`);
  const userIds = [...g.userIds.filter((id) => !remove.includes(id)), ...add];
  const users = await checkMembers(svc, userIds, g.userGroupId);
  const removed = (await Promise.all(remove.map((id) => svc.store.get('user', id)))).filter((u): u is Stored<'user'> => !!u);
  const attached = (await attachedGroups(svc, g)).length > 0;
  const next: UserGroupRecord = { ...g, userIds };
  if (attached) Object.assign(next, { status: 'modifying', pending: { userIdsToAdd: add, userIdsToRemove: remove } });
  await svc.store.commit([
    { op: 'update', kind: 'userGroup', id: g.userGroupId, doc: next, expectVersion: version },
    ...userMembershipOps(add.map((id) => users.get(id)!), g.userGroupId, true),
    ...userMembershipOps(removed, g.userGroupId, false),
  ]);
  const parts = [...(add.length ? [`added ${add.join(', ')}`] : []), ...(remove.length ? [`removed ${remove.join(', ')}`] : [])];
  await svc.events.emit('user-group', g.userGroupId, `User group ${g.userGroupId} modified: ${parts.join('; ')}`);
  svc.kick();
  return presentUserGroup(next);
}));
