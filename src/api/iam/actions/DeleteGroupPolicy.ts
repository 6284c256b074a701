import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireGroup, updateGroup } from '../deps.js';
import type { DeleteGroupPolicyRequest } from '../model/shapes.js';
import { policyName } from './policies.js';

export default defineIamAction<DeleteGroupPolicyRequest, void>('DeleteGroupPolicy', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const group = requireGroup(snap, input.GroupName);
    const name = policyName(group.doc.policies, input.PolicyName);
    if (name === undefined) throw IamErrors.noSuchGroupPolicy(input.GroupName, input.PolicyName);
    const policies = { ...group.doc.policies };
    delete policies[name];
    return { ops: [updateGroup(group, { ...group.doc, policies })], result: undefined };
  });
});
