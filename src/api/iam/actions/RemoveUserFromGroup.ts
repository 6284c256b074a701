import { IamErrors, iamId } from '../../../iam/index.js';
import { defineIamAction, requireGroup, requireUser, updateUser } from '../deps.js';
import type { RemoveUserFromGroupRequest } from '../model/shapes.js';

export default defineIamAction<RemoveUserFromGroupRequest, void>('RemoveUserFromGroup', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const group = requireGroup(snap, input.GroupName);
    const user = requireUser(snap, input.UserName);
    if (!user.doc.groupNames.some((g) => iamId(g) === group.id)) {
      throw IamErrors.noSuchUser(`${input.UserName} in group ${input.GroupName}`);
    }
    return { ops: [updateUser(user, { ...user.doc, groupNames: user.doc.groupNames.filter((g) => iamId(g) !== group.id) })],
      result: undefined };
  });
});
