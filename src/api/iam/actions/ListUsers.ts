import { byName, defineIamAction, page } from '../deps.js';
import type { ListUsersRequest, ListUsersResponse } from '../model/shapes.js';
import { presentUser } from '../present.js';

export default defineIamAction<ListUsersRequest, ListUsersResponse>('ListUsers', (input, deps) => {
  const prefix = input.PathPrefix ?? '/';
  const users = [...deps.directory.snapshot.users.values()].map((r) => r.doc)
    .filter((u) => u.path.startsWith(prefix)).sort((a, b) => byName(a.userName, b.userName));
  const p = page(users, (u) => u.userName, input);
  return { Users: p.items.map((u) => presentUser(u, deps.directory)), IsTruncated: p.IsTruncated, Marker: p.Marker };
});
