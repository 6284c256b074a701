import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, requireGroup } from '../deps.js';
import type { GetGroupPolicyRequest, GetGroupPolicyResponse } from '../model/shapes.js';
import { encodePolicyDocument } from '../present.js';
import { policyName } from './policies.js';

export default defineIamAction<GetGroupPolicyRequest, GetGroupPolicyResponse>('GetGroupPolicy', (input, deps) => {
  const group = requireGroup(deps.directory.snapshot, input.GroupName);
  const name = policyName(group.doc.policies, input.PolicyName);
  if (name === undefined) throw IamErrors.noSuchGroupPolicy(input.GroupName, input.PolicyName);
  return { GroupName: group.doc.groupName, PolicyName: name, PolicyDocument: encodePolicyDocument(group.doc.policies[name]!) };
});
