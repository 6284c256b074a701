import { IamErrors, iamId, newGroupId } from '../../../iam/index.js';
import type { IamGroupRecord } from '../../../store/index.js';
import { defineIamAction } from '../deps.js';
import type { CreateGroupRequest, CreateGroupResponse } from '../model/shapes.js';
import { presentGroup } from '../present.js';

/** IAM's quota of groups per account. */
export const MAX_GROUPS = 300;

export default defineIamAction<CreateGroupRequest, CreateGroupResponse>('CreateGroup', async (input, deps) => {
  const group = await deps.directory.mutate((snap) => {
    if (snap.groups.has(iamId(input.GroupName))) throw IamErrors.groupExists(input.GroupName);
    if (snap.groups.size >= MAX_GROUPS) throw IamErrors.limitExceeded(`Cannot exceed quota for GroupsPerAccount: ${MAX_GROUPS}.`);
    const doc: IamGroupRecord = {
      groupName: input.GroupName, groupId: newGroupId(), path: input.Path ?? '/', createdAt: deps.now().toISOString(), policies: {},
    };
    return { ops: [{ op: 'create', kind: 'iamGroup', id: iamId(input.GroupName), doc }], result: doc };
  });
  return { Group: presentGroup(group, deps.directory) };
});
