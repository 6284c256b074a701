import { defineIamAction, requireUser, updateUser } from '../deps.js';
import type { PutUserPolicyRequest } from '../model/shapes.js';
import { USER_POLICY_QUOTA, withPolicy } from './policies.js';

/** Adds or replaces an inline policy of the user; a malformed document is refused and nothing changes. */
export default defineIamAction<PutUserPolicyRequest, void>('PutUserPolicy', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const user = requireUser(snap, input.UserName);
    const policies = withPolicy(user.doc.policies, input.PolicyName, input.PolicyDocument, USER_POLICY_QUOTA, `user ${input.UserName}`);
    return { ops: [updateUser(user, { ...user.doc, policies })], result: undefined };
  });
});
