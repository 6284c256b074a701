import { byName, defineIamAction, page, requireGroup } from '../deps.js';
import type { GetGroupRequest, GetGroupResponse } from '../model/shapes.js';
import { presentGroup, presentUser } from '../present.js';

/** The group and its members. */
export default defineIamAction<GetGroupRequest, GetGroupResponse>('GetGroup', (input, deps) => {
  const group = requireGroup(deps.directory.snapshot, input.GroupName);
  const members = deps.directory.membersOf(input.GroupName).sort((a, b) => byName(a.userName, b.userName));
  const p = page(members, (u) => u.userName, input);
  return { Group: presentGroup(group.doc, deps.directory), Users: p.items.map((u) => presentUser(u, deps.directory)),
    IsTruncated: p.IsTruncated, Marker: p.Marker };
});
