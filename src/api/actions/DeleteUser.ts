import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteUserMessage, User } from '../model/shapes.js';
import { presentUser } from '../present/user.js';
import { retryOnConflict } from '../../resources/commit.js';
import { deleteTagOps } from '../../resources/tags.js';
import { DEFAULT_USER_NAME, requireUser } from '../../resources/users.js';
import { attachedGroups } from '../../resources/user-groups.js';
import { bumped, getUserGroup, userDelete, userGroupSpecWrite, userSpecWrite, type UserGroupRecord, type UserGroupView, type UserRecord, type WriteOp } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * Deletes a user, as ElastiCache does: it leaves every user group it is in (and so every node).
 * Not the built-in `default` user, and not a user named `default` while a user group holds it
 * (the group needs a default user: DefaultUserAssociatedToUserGroup). A user deployed to nodes
 * is marked for deletion (its spec's `deleteRequested`) and stays `deleting` until the reconciler
 * has removed it from every node (ACL DELUSER) and deleted its records.
 */
export default defineAction<DeleteUserMessage, User>('DeleteUser', async (input, svc) => retryOnConflict(async () => {
  const view = await requireUser(svc, input.UserId);
  const u = view.doc;
  if (u.builtIn) throw CommonErrors.invalidParameterValue(`The built-in user ${u.userId} cannot be deleted.`);
  if (u.status !== 'active') throw fault('InvalidUserStateFault', `User ${u.userId} is ${u.status}; it can be deleted only when active.`);
  const groups = (await Promise.all(u.userGroupIds.map((id) => getUserGroup(svc.store, id))))
    .filter((g): g is UserGroupView => !!g);
  if (u.userName === DEFAULT_USER_NAME && groups.length) {
    throw fault('DefaultUserAssociatedToUserGroupFault',
      `User ${u.userId} is the default user of user group${groups.length > 1 ? 's' : ''} ${groups.map((g) => g.id).join(', ')}; ` +
      'replace it there with another user named default before deleting it.');
  }
  const busy = groups.find((g) => g.doc.status !== 'active' && g.doc.status !== 'creating');
  if (busy) {
    throw fault('InvalidUserStateFault', `User ${u.userId} is in user group ${busy.id}, which is ${busy.doc.status}; try again once it is active.`);
  }
  const ops: WriteOp[] = [];
  let deployed = false;
  for (const g of groups) {
    const attached = (await attachedGroups(svc, g.doc)).length > 0;
    deployed ||= attached;
    const doc: UserGroupRecord = { ...g.doc, userIds: g.doc.userIds.filter((id) => id !== u.userId) };
    // On nodes: a membership change they must follow (`modifying` until the reconciler saw it live).
    ops.push(...userGroupSpecWrite(g, attached ? bumped({ ...doc, pending: { userIdsToAdd: [], userIdsToRemove: [u.userId] } }) : doc));
  }
  if (deployed) {
    // Kept (deleting) until no node has it any more; the reconciler then removes the records.
    ops.push(...userSpecWrite(view, { ...u, deleteRequested: true, userGroupIds: [] }));
  } else {
    ops.push(...userDelete(view), ...await deleteTagOps(svc.store, u.arn));
  }
  const gone: UserRecord = { ...u, status: 'deleting', userGroupIds: [] };
  await svc.store.commit(ops);
  await svc.events.emit('user', u.userId, deployed ? `User ${u.userId} is being deleted` : `User ${u.userId} deleted`);
  svc.kick();
  return presentUser(gone);
}));
