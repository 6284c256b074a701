import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireGroup } from '../deps.js';
import type { DeleteGroupRequest } from '../model/shapes.js';

/** Deletes a group without members or inline policies (as IAM requires). */
export default defineIamAction<DeleteGroupRequest, void>('DeleteGroup', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const group = requireGroup(snap, input.GroupName);
    if (deps.directory.membersOf(input.GroupName).length > 0) throw IamErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
    if (Object.keys(group.doc.policies).length > 0) throw IamErrors.deleteConflict('Cannot delete entity, must delete policies first.');
    return { ops: [{ op: 'delete', kind: 'iamGroup', id: group.id, expectVersion: group.version }], result: undefined };
  });
});
