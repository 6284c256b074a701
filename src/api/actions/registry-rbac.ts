import CreateUser from './CreateUser.js';
import CreateUserGroup from './CreateUserGroup.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserGroup from './DeleteUserGroup.js';
import DescribeUserGroups from './DescribeUserGroups.js';
import DescribeUsers from './DescribeUsers.js';
import ModifyUser from './ModifyUser.js';
import ModifyUserGroup from './ModifyUserGroup.js';
import type { ActionFactory } from './define.js';

/** Role-based access control: users and user groups (attached to replication groups by Create/ModifyReplicationGroup). */
export const rbacActions: ActionFactory[] = [
  CreateUser, DescribeUsers, ModifyUser, DeleteUser,
  CreateUserGroup, DescribeUserGroups, ModifyUserGroup, DeleteUserGroup,
];
