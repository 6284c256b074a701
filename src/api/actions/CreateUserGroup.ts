import { fault } from '../../errors/index.js';
import type { CreateUserGroupMessage, UserGroup } from '../model/shapes.js';
import { presentUserGroup } from '../present/user.js';
import { createRecords, retryOnConflict } from '../../resources/commit.js';
import { tagOps } from '../../resources/tags.js';
import { checkEngine, MAX_USER_GROUPS, normalizeRbacId } from '../../resources/users.js';
import { checkMembers, idList, userMembershipOps } from '../../resources/user-groups.js';
import { arn } from '../../core/index.js';
import { mergeUserGroup, userGroupCreate, type UserGroupSpec, type WriteOp } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * A user group: the users a replication group's nodes know (ModifyReplicationGroup
 * UserGroupIdsToAdd, CreateReplicationGroup UserGroupIds). It must hold a user named `default`
 * (DefaultUserRequired): that user's rules become the nodes' `default` user, which clients that
 * do not authenticate get. It is `creating` until the reconciler has seen it.
 */
export default defineAction<CreateUserGroupMessage, UserGroup>('CreateUserGroup', async (input, svc) => retryOnConflict(async () => {
  const id = normalizeRbacId('UserGroupId', input.UserGroupId);
  checkEngine(input.Engine, true);
  const userIds = idList('UserId', input.UserIds, 'UserIds');
  const alreadyExists = () => fault('UserGroupAlreadyExistsFault', `User group ${id} already exists.`);
  const groups = await svc.store.list('userGroup');
  if (groups.some((g) => g.id === id)) throw alreadyExists();
  if (groups.length >= MAX_USER_GROUPS) {
    throw fault('UserGroupQuotaExceededFault', `You already have ${groups.length} user groups, the most allowed (${MAX_USER_GROUPS}).`);
  }
  const users = await checkMembers(svc, userIds, id);
  const group: UserGroupSpec = {
    userGroupId: id, engine: 'redis', userIds, replicationGroups: [],
    arn: arn(svc.installation, 'usergroup', id), minimumEngineVersion: '6.0', createdAt: svc.now().toISOString(),
  };
  const ops: WriteOp[] = [
    userGroupCreate(group),
    ...userMembershipOps(users.values(), id, true),
    ...tagOps(group.arn, input.Tags),
  ];
  await createRecords(svc.store, ops, 'userGroup', alreadyExists);
  await svc.events.emit('user-group', id, `User group ${id} is being created with users ${userIds.join(', ')}`);
  svc.kick();
  return presentUserGroup(mergeUserGroup(group, undefined));
}));
