import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireUser } from '../deps.js';
import type { GetUserPolicyRequest, GetUserPolicyResponse } from '../model/shapes.js';
import { encodePolicyDocument } from '../present.js';
import { policyName } from './policies.js';

export default defineIamAction<GetUserPolicyRequest, GetUserPolicyResponse>('GetUserPolicy', (input, deps) => {
  const user = requireUser(deps.directory.snapshot, input.UserName);
  const name = policyName(user.doc.policies, input.PolicyName);
  if (name === undefined) throw IamErrors.noSuchUserPolicy(input.UserName, input.PolicyName);
  return { UserName: user.doc.userName, PolicyName: name, PolicyDocument: encodePolicyDocument(user.doc.policies[name]!) };
});
