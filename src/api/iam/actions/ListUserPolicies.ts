import { defineIamAction, page, requireUser } from '../deps.js';
import type { ListUserPoliciesRequest, ListUserPoliciesResponse } from '../model/shapes.js';
import { policyNames } from './policies.js';

export default defineIamAction<ListUserPoliciesRequest, ListUserPoliciesResponse>('ListUserPolicies', (input, deps) => {
  const user = requireUser(deps.directory.snapshot, input.UserName);
  const p = page(policyNames(user.doc.policies), (n) => n, input);
  return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
});
