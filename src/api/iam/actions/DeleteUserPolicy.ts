import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireUser, updateUser } from '../deps.js';
import type { DeleteUserPolicyRequest } from '../model/shapes.js';
import { policyName } from './policies.js';

export default defineIamAction<DeleteUserPolicyRequest, void>('DeleteUserPolicy', async (input, deps) => {
  await deps.directory.mutate((snap) => {
    const user = requireUser(snap, input.UserName);
    const name = policyName(user.doc.policies, input.PolicyName);
    if (name === undefined) throw IamErrors.noSuchUserPolicy(input.UserName, input.PolicyName);
    const policies = { ...user.doc.policies };
    delete policies[name];
    return { ops: [updateUser(user, { ...user.doc, policies })], result: undefined };
  });
});
