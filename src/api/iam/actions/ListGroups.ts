import { byName, defineIamAction, page } from '../deps.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../model/shapes.js';
import { presentGroup } from '../present.js';

export default defineIamAction<ListGroupsRequest, ListGroupsResponse>('ListGroups', (input, deps) => {
  const prefix = input.PathPrefix ?? '/';
  const groups = [...deps.directory.snapshot.groups.values()].map((r) => r.doc)
    .filter((g) => g.path.startsWith(prefix)).sort((a, b) => byName(a.groupName, b.groupName));
  const p = page(groups, (g) => g.groupName, input);
  return { Groups: p.items.map((g) => presentGroup(g, deps.directory)), IsTruncated: p.IsTruncated, Marker: p.Marker };
});
