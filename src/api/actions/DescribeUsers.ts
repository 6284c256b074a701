import { CommonErrors } from '../../errors/index.js';
import type { DescribeUsersMessage, DescribeUsersResult } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { presentUser } from '../present/user.js';
import { checkEngine, requireUser } from '../../resources/users.js';
import { listUsers } from '../../store/index.js';
import { defineAction } from './define.js';

/** One user (UserNotFound if missing) or all, filtered by `user-id` (Filters) and Engine, paged. */
export default defineAction<DescribeUsersMessage, DescribeUsersResult>('DescribeUsers', async (input, svc) => {
  checkEngine(input.Engine, false);
  let users = input.UserId !== undefined
    ? [(await requireUser(svc, input.UserId)).doc]
    : (await listUsers(svc.store)).map((r) => r.doc);
  for (const f of input.Filters ?? []) {
    if (f.Name !== 'user-id') {
      throw CommonErrors.invalidParameterCombination(`Invalid filter name '${f.Name}': DescribeUsers filters by user-id.`);
    }
    const values = new Set(f.Values.map((v) => v.toLowerCase()));
    users = users.filter((u) => values.has(u.userId));
  }
  const { page, marker } = paginate(users, input.Marker, input.MaxRecords);
  return { Users: page.map(presentUser), ...(marker ? { Marker: marker } : {}) };
});
