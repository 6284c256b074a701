import { IamErrors, iamId, newUserId } from '../../../iam/index.js';
import type { IamUserRecord } from '../../../store/index.js';
import { defineIamAction } from '../deps.js';
import type { CreateUserRequest, CreateUserResponse } from '../model/shapes.js';
import { presentUser } from '../present.js';
import { checkTags, MAX_USERS } from './users.js';

export default defineIamAction<CreateUserRequest, CreateUserResponse>('CreateUser', async (input, deps) => {
  if (input.PermissionsBoundary !== undefined) {
    throw IamErrors.validation('PermissionsBoundary is not supported by cachefleet: a user has its inline and group policies only.');
  }
  const tags = checkTags(input.Tags);
  const user = await deps.directory.mutate((snap) => {
    if (snap.users.has(iamId(input.UserName))) throw IamErrors.userExists(input.UserName);
    if (snap.users.size >= MAX_USERS) throw IamErrors.limitExceeded(`Cannot exceed quota for UsersPerAccount: ${MAX_USERS}.`);
    const doc: IamUserRecord = {
      userName: input.UserName, userId: newUserId(), path: input.Path ?? '/', createdAt: deps.now().toISOString(),
      tags, groupNames: [], policies: {},
    };
    return { ops: [{ op: 'create', kind: 'iamUser', id: iamId(input.UserName), doc }], result: doc };
  });
  return { User: presentUser(user, deps.directory, true) };
});
