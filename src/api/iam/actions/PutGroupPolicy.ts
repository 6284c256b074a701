import { defineIamAction, requireGroup, updateGroup } from '../deps.js';
import type { PutGroupPolicyRequest } from '../model/shapes.js';
import { GROUP_POLICY_QUOTA, withPolicy } from './policies.js';

/** Adds or replaces an inline policy of the group; a malformed document is refused and nothing changes. */
export default defineIamAction<PutGroupPolicyRequest, void>('PutGroupPolicy', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const group = requireGroup(snap, input.GroupName);
    const policies = withPolicy(group.doc.policies, input.PolicyName, input.PolicyDocument, GROUP_POLICY_QUOTA, `group ${input.GroupName}`);
    return { ops: [updateGroup(group, { ...group.doc, policies })], result: undefined };
  });
});
