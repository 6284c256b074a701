// What the Users and user groups page sends (pure: tested against the API's own decoder).
import type { Params } from './metric-queries.js';

export interface UserValues {
  userId: string;
  userName: string;
  engine: string;
  accessString: string;
  /** One password a line (at most two, as ElastiCache allows); ignored when noPassword. */
  passwords: string;
  noPassword: boolean;
}

export const EMPTY_USER: UserValues = { userId: '', userName: '', engine: 'redis', accessString: 'on ~* +@all', passwords: '', noPassword: false };

function passwordsOf(text: string): string[] {
  return text.split('\n').map((x) => x.trim()).filter(Boolean);
}

function passwordParams(p: Params, v: UserValues): Params {
  if (v.noPassword) p.NoPasswordRequired = 'true';
  else passwordsOf(v.passwords).forEach((pw, i) => { p[`Passwords.member.${i + 1}`] = pw; });
  return p;
}

export function createUserParams(v: UserValues): Params {
  return passwordParams({ UserId: v.userId.trim(), UserName: v.userName.trim() || v.userId.trim(), Engine: v.engine, AccessString: v.accessString.trim() }, v);
}

/** ModifyUser: the access string, and the passwords only when some are typed or no-password is chosen (else they stay). */
export function modifyUserParams(v: UserValues): Params {
  const p: Params = { UserId: v.userId, AccessString: v.accessString.trim() };
  if (v.noPassword || passwordsOf(v.passwords).length > 0) passwordParams(p, v);
  return p;
}

export const USER_FIELDS = {
  userId: ['UserId', 'UserAlreadyExistsFault', 'UserQuotaExceededFault'],
  userName: ['UserName', 'DuplicateUserNameFault'],
  accessString: ['AccessString'],
  passwords: ['Passwords', 'Password', 'NoPasswordRequired'],
};

export function createUserGroupParams(groupId: string, engine: string, userIds: readonly string[]): Params {
  const p: Params = { UserGroupId: groupId.trim(), Engine: engine };
  userIds.forEach((u, i) => { p[`UserIds.member.${i + 1}`] = u; });
  return p;
}

/** ModifyUserGroup from the users it holds to those chosen: the ones to add and to remove. */
export function modifyUserGroupParams(groupId: string, current: readonly string[], chosen: readonly string[]): Params {
  const p: Params = { UserGroupId: groupId };
  chosen.filter((u) => !current.includes(u)).forEach((u, i) => { p[`UserIdsToAdd.member.${i + 1}`] = u; });
  current.filter((u) => !chosen.includes(u)).forEach((u, i) => { p[`UserIdsToRemove.member.${i + 1}`] = u; });
  return p;
}

export const USER_GROUP_FIELDS = {
  groupId: ['UserGroupId', 'UserGroupAlreadyExistsFault', 'UserGroupQuotaExceededFault'],
  users: ['UserIds', 'UserIdsToAdd', 'UserIdsToRemove', 'UserNotFoundFault', 'DefaultUserRequired', 'DuplicateUserNameFault'],
};
