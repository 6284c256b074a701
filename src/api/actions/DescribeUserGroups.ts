import type { DescribeUserGroupsMessage, DescribeUserGroupsResult } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { presentUserGroup } from '../present/user.js';
import { requireUserGroup } from '../../resources/users.js';
import { listUserGroups } from '../../store/index.js';
import { defineAction } from './define.js';

/** One user group (UserGroupNotFound if missing) or all of them, paged. */
export default defineAction<DescribeUserGroupsMessage, DescribeUserGroupsResult>('DescribeUserGroups', async (input, svc) => {
  const groups = input.UserGroupId !== undefined
    ? [(await requireUserGroup(svc, input.UserGroupId)).doc]
    : (await listUserGroups(svc.store)).map((r) => r.doc);
  const { page, marker } = paginate(groups, input.Marker, input.MaxRecords);
  return { UserGroups: page.map(presentUserGroup), ...(marker ? { Marker: marker } : {}) };
});
