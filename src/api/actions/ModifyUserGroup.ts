import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyUserGroupMessage, UserGroup } from '../model/shapes.js';
import { presentUserGroup } from '../present/user.js';
import { retryOnConflict } from '../../resources/commit.js';
import { checkEngine, requireUserGroup } from '../../resources/users.js';
import { attachedGroups, checkMembers, idList, userMembershipOps } from '../../resources/user-groups.js';
import { bumped, getUser, mergeUserGroup, userGroupSpecOf, userGroupSpecWrite, type UserGroupRecord, type UserView } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * Adds users to and removes users from a user group. The group must still hold exactly one user
 * named `default`. Attached to replication groups, the change gets a new generation and the group
 * is `modifying` (PendingChanges) until the reconciler has seen the new ACL on every node: added
 * users exist there, removed ones are deleted (ACL DELUSER, which also closes their connections).
 */
export default defineAction<ModifyUserGroupMessage, UserGroup>('ModifyUserGroup', async (input, svc) => retryOnConflict(async () => {
  const view = await requireUserGroup(svc, input.UserGroupId);
  const g = view.doc;
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
  const removed = (await Promise.all(remove.map((id) => getUser(svc.store, id)))).filter((u): u is UserView => !!u);
  const attached = (await attachedGroups(svc, g)).length > 0;
  const changed: UserGroupRecord = { ...g, userIds };
  const spec = userGroupSpecOf(attached ? bumped({ ...changed, pending: { userIdsToAdd: add, userIdsToRemove: remove } }) : changed);
  await svc.store.commit([
    ...userGroupSpecWrite(view, spec),
    ...userMembershipOps(add.map((id) => users.get(id)!), g.userGroupId, true),
    ...userMembershipOps(removed, g.userGroupId, false),
  ]);
  const parts = [...(add.length ? [`added ${add.join(', ')}`] : []), ...(remove.length ? [`removed ${remove.join(', ')}`] : [])];
  await svc.events.emit('user-group', g.userGroupId, `User group ${g.userGroupId} modified: ${parts.join('; ')}`);
  svc.kick();
  return presentUserGroup(mergeUserGroup(spec, view.status));
}));
