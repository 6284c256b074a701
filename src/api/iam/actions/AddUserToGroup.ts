import { IamErrors, iamId } from '../../../iam/index.js';
import { defineIamAction, requireGroup, requireUser, updateUser } from '../deps.js';
import type { AddUserToGroupRequest } from '../model/shapes.js';

/** IAM's quota of groups a user can be in. */
export const MAX_GROUPS_PER_USER = 10;

export default defineIamAction<AddUserToGroupRequest, void>('AddUserToGroup', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const group = requireGroup(snap, input.GroupName);
    const user = requireUser(snap, input.UserName);
    if (user.doc.groupNames.some((g) => iamId(g) === group.id)) return { ops: [], result: undefined };
    if (user.doc.groupNames.length >= MAX_GROUPS_PER_USER) {
      throw IamErrors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${MAX_GROUPS_PER_USER}.`);
    }
    return { ops: [updateUser(user, { ...user.doc, groupNames: [...user.doc.groupNames, group.doc.groupName] })], result: undefined };
  });
});
