import { defineIamAction, page, requireGroup } from '../deps.js';
import type { ListGroupPoliciesRequest, ListGroupPoliciesResponse } from '../model/shapes.js';
import { policyNames } from './policies.js';

export default defineIamAction<ListGroupPoliciesRequest, ListGroupPoliciesResponse>('ListGroupPolicies', (input, deps) => {
  const group = requireGroup(deps.directory.snapshot, input.GroupName);
  const p = page(policyNames(group.doc.policies), (n) => n, input);
  return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
});
