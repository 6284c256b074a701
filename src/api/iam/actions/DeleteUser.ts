import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireUser } from '../deps.js';
import type { DeleteUserRequest } from '../model/shapes.js';

/** Deletes a user that has no access keys, inline policies or group memberships left (as IAM requires). */
export default defineIamAction<DeleteUserRequest, void>('DeleteUser', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const user = requireUser(snap, input.UserName);
    if (deps.directory.keysOf(input.UserName).length > 0) throw IamErrors.deleteConflict('Cannot delete entity, must delete access keys first.');
    if (Object.keys(user.doc.policies).length > 0) throw IamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
    if (user.doc.groupNames.length > 0) throw IamErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
    return { ops: [{ op: 'delete', kind: 'iamUser', id: user.id, expectVersion: user.version }], result: undefined };
  });
});
