import { isServerlessBacking, serverlessCacheOf } from '../../resources/serverless.js';
import type { User, UserGroup } from '../model/shapes.js';
import type { UserGroupRecord, UserRecord } from '../../store/index.js';

/** A user as DescribeUsers shows it: how many passwords it has, never a password or its hash. */
export function presentUser(u: UserRecord): User {
  const type = u.authentication.type === 'no-password-required' ? 'no-password' : u.authentication.type;
  return {
    UserId: u.userId,
    UserName: u.userName,
    Status: u.status,
    Engine: u.engine,
    MinimumEngineVersion: u.minimumEngineVersion,
    AccessString: u.accessString,
    UserGroupIds: [...u.userGroupIds],
    Authentication: { Type: type, ...(type === 'password' ? { PasswordCount: u.authentication.passwordHashes.length } : {}) },
    ARN: u.arn,
  };
}

export function presentUserGroup(g: UserGroupRecord): UserGroup {
  return {
    UserGroupId: g.userGroupId,
    Status: g.status,
    Engine: g.engine,
    UserIds: [...g.userIds],
    MinimumEngineVersion: g.minimumEngineVersion,
    ...(g.pending ? { PendingChanges: { UserIdsToAdd: [...g.pending.userIdsToAdd], UserIdsToRemove: [...g.pending.userIdsToRemove] } } : {}),
    // A serverless cache is attached through its backing group (resources/serverless.ts).
    ReplicationGroups: g.replicationGroups.filter((id) => !isServerlessBacking(id)),
    ServerlessCaches: g.replicationGroups.flatMap((id) => serverlessCacheOf(id) ?? []),
    ARN: g.arn,
  };
}
