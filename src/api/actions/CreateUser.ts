import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateUserMessage, User } from '../model/shapes.js';
import { presentUser } from '../present/user.js';
import { createRecords, retryOnConflict } from '../../resources/commit.js';
import { tagOps } from '../../resources/tags.js';
import {
  checkEngine, checkIamIdentity, DEFAULT_USER_NAME, MAX_USERS, normalizeAccessString, normalizeRbacId, resolveAuthentication, validateUserName,
} from '../../resources/users.js';
import { arn } from '../../core/index.js';
import { mergeUser, userCreate, type UserSpec, type WriteOp } from '../../store/index.js';
import { defineAction } from './define.js';

/**
 * An RBAC user: a Redis ACL user (access string, passwords kept as SHA-256 only) that reaches
 * nodes once a user group holding it is attached to a replication group. User names are unique
 * in the account, except `default`: a custom default user replaces the built-in one in a group.
 */
export default defineAction<CreateUserMessage, User>('CreateUser', async (input, svc) => retryOnConflict(async () => {
  const userId = normalizeRbacId('UserId', input.UserId);
  const userName = validateUserName(input.UserName);
  checkEngine(input.Engine, true);
  if (input.AccessString === undefined) throw CommonErrors.missingParameter('AccessString');
  const accessString = normalizeAccessString(input.AccessString);
  const authentication = resolveAuthentication(input);
  if (!authentication) {
    throw CommonErrors.invalidParameterValue('No password was given: pass Passwords (1 or 2), NoPasswordRequired true, or an AuthenticationMode.');
  }
  checkIamIdentity(authentication, userId, userName);
  const alreadyExists = () => fault('UserAlreadyExistsFault', `User ${userId} already exists.`);
  const users = await svc.store.list('user');
  if (users.some((u) => u.id === userId)) throw alreadyExists();
  const sameName = users.find((u) => u.doc.userName === userName);
  if (sameName && userName !== DEFAULT_USER_NAME) {
    throw fault('DuplicateUserNameFault', `User ${sameName.id} already has the user name '${userName}'.`);
  }
  if (users.length >= MAX_USERS) throw fault('UserQuotaExceededFault', `You already have ${users.length} users, the most allowed (${MAX_USERS}).`);
  const user: UserSpec = {
    userId, userName, engine: 'redis', accessString, authentication, userGroupIds: [],
    arn: arn(svc.installation, 'user', userId), minimumEngineVersion: '6.0', createdAt: svc.now().toISOString(),
  };
  const ops: WriteOp[] = [userCreate(user), ...tagOps(user.arn, input.Tags)];
  await createRecords(svc.store, ops, 'user', alreadyExists);
  await svc.events.emit('user', userId, `User ${userId} created`);
  return presentUser(mergeUser(user, undefined));
}));
