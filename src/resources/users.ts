/**
 * RBAC users and user groups (ElastiCache CreateUser, CreateUserGroup, …): identifiers, lookups,
 * the built-in `default` user, authentication input, and the membership rules every action
 * shares. Which users end up in a node's ACL is reconciler/acl.ts's business.
 */
import { randomBytes } from 'node:crypto';
import { CommonErrors, fault } from '../errors/index.js';
import { sha256Hex } from '../security/auth-token.js';
import type { AuthenticationMode } from '../api/model/shapes.js';
import { hashPasswords, parseAccessString } from '../security/access-string.js';
import { ADMIN_USER } from '../security/node-security.js';
import { arn, type Services } from '../core/index.js';
import {
  getGroup, getUser, getUserGroup, userGroupSpecWrite, userSpecWrite, type GroupView, type InstallationRecord, type ReplicationGroupRecord,
  type UserGroupSpec, type UserGroupView, type UserSpec, type UserView, type WriteOp,
} from '../store/index.js';

/** The user every account has, as on ElastiCache: id and name `default`, all keys and commands, no password. */
export const DEFAULT_USER_ID = 'default';
export const DEFAULT_USER_NAME = 'default';
export const DEFAULT_ACCESS_STRING = 'on ~* +@all';

/** ElastiCache's quotas. */
export const MAX_USERS = 1000;
export const MAX_USER_GROUPS = 100;
export const MAX_USERS_PER_GROUP = 100;
/** A replication group takes one user group (its `default` user is the nodes' default user). */
export const MAX_USER_GROUPS_PER_REPLICATION_GROUP = 1;

export function builtInDefaultUser(installation: InstallationRecord): UserSpec {
  return {
    userId: DEFAULT_USER_ID, userName: DEFAULT_USER_NAME, engine: 'redis', accessString: DEFAULT_ACCESS_STRING,
    authentication: { type: 'no-password-required', passwordHashes: [] }, userGroupIds: [],
    arn: arn(installation, 'user', DEFAULT_USER_ID), minimumEngineVersion: '6.0', builtIn: true, createdAt: installation.createdAt,
  };
}

/**
 * User ids and user group ids: 1–40 letters, digits or hyphens, starting with a letter, no two
 * consecutive hyphens, not ending with a hyphen; stored lowercase (lookups are case-insensitive).
 */
export function normalizeRbacId(what: 'UserId' | 'UserGroupId', value: string | undefined): string {
  if (value === undefined) throw CommonErrors.missingParameter(what);
  const id = value.toLowerCase();
  const problem =
    id.length === 0 ? 'must not be blank'
    : id.length > 40 ? 'must be at most 40 characters long'
    : !/^[a-z]/.test(id) ? 'must begin with a letter'
    : !/^[a-z0-9-]+$/.test(id) ? 'must contain only letters, digits and hyphens'
    : id.includes('--') ? 'must not contain two consecutive hyphens'
    : id.endsWith('-') ? 'must not end with a hyphen'
    : undefined;
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ${what} '${value}': it ${problem}.`);
  return id;
}

/**
 * User names are Redis ACL user names: 1–120 printable ASCII characters without spaces or quotes.
 * The name of cachefleet's own admin user on every node is reserved.
 */
export function validateUserName(value: string | undefined): string {
  if (value === undefined) throw CommonErrors.missingParameter('UserName');
  if (!/^[\x21-\x7e]{1,120}$/.test(value) || /["'\\]/.test(value)) {
    throw CommonErrors.invalidParameterValue(
      `Invalid UserName '${value}': use 1 to 120 printable ASCII characters without spaces, quotes or backslashes.`);
  }
  if (value.toLowerCase() === ADMIN_USER) {
    throw CommonErrors.invalidParameterValue(`Invalid UserName '${value}': this name is reserved for the service's own use on every node.`);
  }
  return value;
}

export function checkEngine(engine: string | undefined, required: boolean): void {
  if (engine === undefined) {
    if (required) throw CommonErrors.missingParameter('Engine');
    return;
  }
  if (engine.toLowerCase() !== 'redis') {
    throw CommonErrors.invalidParameterValue(`Invalid Engine '${engine}': users and user groups of this service use the redis engine.`);
  }
}

/** A user's merged view (spec and status), or UserNotFound. */
export async function requireUser(svc: Services, userId: string): Promise<UserView> {
  const found = await getUser(svc.store, userId.toLowerCase());
  if (!found) throw fault('UserNotFoundFault', `User ${userId} not found.`);
  return found;
}

export async function requireUserGroup(svc: Services, userGroupId: string): Promise<UserGroupView> {
  const found = await getUserGroup(svc.store, userGroupId.toLowerCase());
  if (!found) throw fault('UserGroupNotFoundFault', `User group ${userGroupId} not found.`);
  return found;
}

/** How a user authenticates, from CreateUser's or ModifyUser's members; undefined when none was given. */
export function resolveAuthentication(input: { Passwords?: string[]; NoPasswordRequired?: boolean; AuthenticationMode?: AuthenticationMode }):
  UserSpec['authentication'] | undefined {
  const { Passwords: passwords, NoPasswordRequired: noPassword, AuthenticationMode: mode } = input;
  if (mode !== undefined) {
    if (passwords !== undefined) {
      throw CommonErrors.invalidParameterCombination('AuthenticationMode cannot be combined with Passwords: give the passwords in AuthenticationMode.Passwords.');
    }
    // Terraform's aws_elasticache_user always sends NoPasswordRequired (false unless set), beside
    // AuthenticationMode: only `true` with another type than no-password-required contradicts it.
    if (noPassword === true && mode.Type !== 'no-password-required') {
      throw CommonErrors.invalidParameterCombination(
        `NoPasswordRequired true contradicts AuthenticationMode Type ${String(mode.Type)}: use Type no-password-required, or leave NoPasswordRequired false.`);
    }
    switch (mode.Type) {
      case 'password':
        // As ElastiCache answers it: a combination fault, not an invalid value.
        if (!mode.Passwords?.length) throw CommonErrors.invalidParameterCombination('AuthenticationMode Type password needs Passwords (1 or 2).');
        return { type: 'password', passwordHashes: hashPasswords(mode.Passwords, 'AuthenticationMode.Passwords') };
      case 'no-password-required':
        if (mode.Passwords?.length) {
          throw CommonErrors.invalidParameterCombination('AuthenticationMode Type no-password-required cannot be combined with Passwords.');
        }
        return { type: 'no-password-required', passwordHashes: [] };
      case 'iam':
        // The client's password is a short-lived token (src/iam/connect-token.ts) the IAM auth
        // gateway checks; the nodes know the user by a random secret only the gateway logs in with.
        if (mode.Passwords?.length) {
          throw CommonErrors.invalidParameterCombination('AuthenticationMode Type iam cannot be combined with Passwords: IAM users authenticate with IAM authentication tokens.');
        }
        return iamAuthentication();
      default:
        throw CommonErrors.invalidParameterValue(`Invalid AuthenticationMode Type '${String(mode.Type)}': it must be password, no-password-required or iam.`);
    }
  }
  if (noPassword === true) {
    if (passwords?.length) throw CommonErrors.invalidParameterCombination('NoPasswordRequired cannot be true when Passwords are given.');
    return { type: 'no-password-required', passwordHashes: [] };
  }
  if (passwords !== undefined) return { type: 'password', passwordHashes: hashPasswords(passwords) };
  if (noPassword === false) {
    throw CommonErrors.invalidParameterCombination('NoPasswordRequired false needs Passwords: a user must have a password or need none.');
  }
  return undefined;
}

/** A new IAM user's authentication: a random secret for the gateway's logins, its hash for the nodes' ACL. */
export function iamAuthentication(): UserSpec['authentication'] {
  const nodeSecret = randomBytes(32).toString('hex');
  return { type: 'iam', passwordHashes: [sha256Hex(nodeSecret)], nodeSecret };
}

/**
 * As ElastiCache has it: an IAM user's UserId and UserName are the same (the token names the
 * user by its id, and the client sends AUTH with that name).
 */
export function checkIamIdentity(auth: UserSpec['authentication'], userId: string, userName: string): void {
  if (auth.type === 'iam' && userId !== userName) {
    throw CommonErrors.invalidParameterValue(
      `User ${userId}: a user with AuthenticationMode Type iam must have its UserName identical to its UserId (UserName is '${userName}').`);
  }
}

/** The access string as stored (rules separated by single spaces), or InvalidParameterValue. */
export function normalizeAccessString(value: string, what = 'AccessString'): string {
  return parseAccessString(value, what).text;
}

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
