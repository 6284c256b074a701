/**
 * RBAC membership rules every action shares: which users a user group holds, which user groups a
 * replication group has attached, and the writes that keep both sides' lists in step.
 */
import { CommonErrors, fault } from '../errors/index.js';
import type { Services } from '../core/index.js';
import {
  getGroup, getUser, getUserGroup, userGroupSpecWrite, userSpecWrite, type GroupView, type ReplicationGroupRecord,
  type UserGroupSpec, type UserGroupView, type UserSpec, type UserView, type WriteOp,
} from '../store/index.js';
import { DEFAULT_USER_NAME, MAX_USER_GROUPS_PER_REPLICATION_GROUP, MAX_USERS_PER_GROUP, normalizeRbacId, requireUserGroup } from './users.js';

/**
 * The users of a user group, checked: each exists and is not being deleted (UserNotFound), at
 * most one per user name (DuplicateUserName), and one of them named `default` (DefaultUserRequired).
 */
export async function checkMembers(svc: Services, userIds: string[], groupId: string): Promise<Map<string, UserView>> {
  if (userIds.length > MAX_USERS_PER_GROUP) {
    throw CommonErrors.invalidParameterValue(`A user group can have at most ${MAX_USERS_PER_GROUP} users; ${groupId} would have ${userIds.length}.`);
  }
  const users = new Map<string, UserView>();
  const byName = new Map<string, string>();
  for (const id of userIds) {
    const u = await getUser(svc.store, id);
    if (!u || u.doc.status === 'deleting') throw fault('UserNotFoundFault', `User ${id} not found.`);
    const other = byName.get(u.doc.userName);
    if (other !== undefined) {
      throw fault('DuplicateUserNameFault',
        `Users ${other} and ${id} have the same user name '${u.doc.userName}'; a user group can hold only one user of each name.`);
    }
    byName.set(u.doc.userName, id);
    users.set(id, u);
  }
  if (!byName.has(DEFAULT_USER_NAME)) {
    throw fault('DefaultUserRequired', `User group ${groupId} must contain a user with the user name '${DEFAULT_USER_NAME}'.`);
  }
  return users;
}

/** A list of ids from the API, normalized, each once (InvalidParameterValue on a repeat). */
export function idList(what: 'UserId' | 'UserGroupId', values: string[] | undefined, member: string): string[] {
  const ids = (values ?? []).map((v) => normalizeRbacId(what, v));
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw CommonErrors.invalidParameterValue(`${member} names ${dup} more than once.`);
  return ids;
}

/** Ops that set `userGroupIds` of these users (adding or removing `groupId`): their spec halves, at the versions read. */
export function userMembershipOps(users: Iterable<UserView>, groupId: string, member: boolean): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const u of users) {
    const has = u.doc.userGroupIds.includes(groupId);
    if (has === member) continue;
    const userGroupIds = member ? [...u.doc.userGroupIds, groupId].sort() : u.doc.userGroupIds.filter((g) => g !== groupId);
    ops.push(...userSpecWrite(u, { ...u.doc, userGroupIds }));
  }
  return ops;
}

/**
 * The user groups a replication group is to be attached to, checked as ElastiCache does: RBAC
 * needs TLS in transit (InvalidParameterCombination), each group exists (UserGroupNotFound) and
 * is active (InvalidUserGroupState); one user group per replication group.
 */
export async function userGroupsToAttach(svc: Services, ids: string[], transitEncryption: boolean, member: string):
  Promise<UserGroupView[]> {
  if (ids.length === 0) return [];
  if (!transitEncryption) {
    throw CommonErrors.invalidParameterCombination(
      `${member}: user groups (role-based access control) need TransitEncryptionEnabled true; create the replication group with TLS in transit.`);
  }
  if (ids.length > MAX_USER_GROUPS_PER_REPLICATION_GROUP) {
    throw CommonErrors.invalidParameterValue(`${member}: a replication group can have only ${MAX_USER_GROUPS_PER_REPLICATION_GROUP} user group.`);
  }
  const found: UserGroupView[] = [];
  for (const id of ids) {
    const ug = await requireUserGroup(svc, id);
    if (ug.doc.status !== 'active') {
      throw fault('InvalidUserGroupStateFault', `User group ${ug.id} is ${ug.doc.status}; it can be attached only when active.`);
    }
    found.push(ug);
  }
  return found;
}

/** Ops that record on user groups (their spec halves) that `groupId` is (or is no longer) attached to them. */
export function attachmentOps(userGroups: Iterable<UserGroupView>, groupId: string, attached: boolean): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const ug of userGroups) {
    const has = ug.doc.replicationGroups.includes(groupId);
    if (has === attached) continue;
    const replicationGroups = attached ? [...ug.doc.replicationGroups, groupId].sort() : ug.doc.replicationGroups.filter((g) => g !== groupId);
    ops.push(...userGroupSpecWrite(ug, { ...ug.doc, replicationGroups }));
  }
  return ops;
}

/** The replication groups a user group is attached to that still exist (a deleted group's attachment may linger a moment). */
export async function attachedGroups(svc: Services, ug: Pick<UserGroupSpec, 'userGroupId' | 'replicationGroups'>): Promise<ReplicationGroupRecord[]> {
  const groups = await Promise.all(ug.replicationGroups.map((id) => getGroup(svc.store, id)));
  return groups.filter((g): g is GroupView => !!g && (g.doc.userGroupIds ?? []).includes(ug.userGroupId)).map((g) => g.doc);
}

/** Is the user on nodes: in a user group attached to a replication group? */
export async function userIsDeployed(svc: Services, u: Pick<UserSpec, 'userGroupIds'>): Promise<boolean> {
  for (const id of u.userGroupIds) {
    const ug = await svc.store.get('userGroup', id);
    if (ug && (await attachedGroups(svc, ug.doc)).length > 0) return true;
  }
  return false;
}

/** The user groups CreateReplicationGroup's UserGroupIds name, checked (none without UserGroupIds). */
export async function userGroupsForCreate(svc: Services, input: { UserGroupIds?: string[]; AuthToken?: string }, transitEncryption: boolean):
  Promise<UserGroupView[]> {
  const ids = idList('UserGroupId', input.UserGroupIds, 'UserGroupIds');
  if (ids.length && input.AuthToken !== undefined) {
    throw CommonErrors.invalidParameterCombination(
      'AuthToken and UserGroupIds cannot be used together: a replication group uses either an AUTH token or user groups (role-based access control).');
  }
  return userGroupsToAttach(svc, ids, transitEncryption, 'UserGroupIds');
}

export interface UserGroupChange {
  /** The replication group's user groups after the change. */
  userGroupIds: string[];
  add: string[];
  remove: string[];
  /** Updates of the user groups' `replicationGroups`, at the versions read. */
  ops: WriteOp[];
}

/**
 * ModifyReplicationGroup's UserGroupIdsToAdd, UserGroupIdsToRemove and RemoveUserGroups, checked;
 * undefined when the call changes no user group. A replication group uses either an AUTH token
 * or user groups: adding user groups to a group with a token needs AuthTokenUpdateStrategy
 * DELETE in the same call (the way from AUTH to RBAC), and a token can be set only while (or
 * after) every user group is removed (the way back).
 */
export async function userGroupChange(svc: Services, g: ReplicationGroupRecord, input: {
  UserGroupIdsToAdd?: string[]; UserGroupIdsToRemove?: string[]; RemoveUserGroups?: boolean; AuthToken?: string; AuthTokenUpdateStrategy?: string;
}, tokenEnabled: boolean): Promise<UserGroupChange | undefined> {
  const current = g.userGroupIds ?? [];
  const add = idList('UserGroupId', input.UserGroupIdsToAdd, 'UserGroupIdsToAdd');
  let remove = idList('UserGroupId', input.UserGroupIdsToRemove, 'UserGroupIdsToRemove');
  if (input.RemoveUserGroups) {
    if (add.length) throw CommonErrors.invalidParameterCombination('RemoveUserGroups cannot be combined with UserGroupIdsToAdd.');
    if (current.length === 0) throw CommonErrors.invalidParameterValue(`Replication group ${g.id} has no user groups to remove.`);
    remove = [...current];
  }
  if (add.length === 0 && remove.length === 0) {
    if (current.length && input.AuthToken !== undefined) {
      throw CommonErrors.invalidParameterCombination(
        `Replication group ${g.id} uses user groups (role-based access control); an AUTH token can be set only together with RemoveUserGroups.`);
    }
    return undefined;
  }
  const both = add.find((id) => remove.includes(id));
  if (both) throw CommonErrors.invalidParameterCombination(`User group ${both} is in both UserGroupIdsToAdd and UserGroupIdsToRemove.`);
  const already = add.find((id) => current.includes(id));
  if (already) throw CommonErrors.invalidParameterValue(`User group ${already} is already attached to replication group ${g.id}.`);
  const missing = remove.find((id) => !current.includes(id));
  if (missing) throw CommonErrors.invalidParameterValue(`User group ${missing} is not attached to replication group ${g.id}.`);
  const userGroupIds = [...current.filter((id) => !remove.includes(id)), ...add];
  if (userGroupIds.length > MAX_USER_GROUPS_PER_REPLICATION_GROUP) {
    throw CommonErrors.invalidParameterValue(
      `A replication group can have only ${MAX_USER_GROUPS_PER_REPLICATION_GROUP} user group; ${g.id} would have ${userGroupIds.length} (remove ${current.join(', ')} in the same call).`);
  }
  const adding = await userGroupsToAttach(svc, add, g.transitEncryptionEnabled, 'UserGroupIdsToAdd');
  if (add.length && tokenEnabled && input.AuthTokenUpdateStrategy?.toUpperCase() !== 'DELETE') {
    throw CommonErrors.invalidParameterCombination(
      `Replication group ${g.id} uses an AUTH token: to move it to user groups, give AuthTokenUpdateStrategy DELETE in the same call.`);
  }
  if (userGroupIds.length && input.AuthToken !== undefined) {
    throw CommonErrors.invalidParameterCombination('A replication group uses either an AUTH token or user groups: AuthToken cannot be set while user groups stay attached.');
  }
  const removing = (await Promise.all(remove.map((id) => getUserGroup(svc.store, id)))).filter((u): u is UserGroupView => !!u);
  return { userGroupIds, add, remove, ops: [...attachmentOps(adding, g.id, true), ...attachmentOps(removing, g.id, false)] };
}
