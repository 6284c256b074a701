import type { ActionRegistry } from '../../types.js';
import type { IamActionFactory, IamDeps } from '../deps.js';
import AddUserToGroup from './AddUserToGroup.js';
import CreateAccessKey from './CreateAccessKey.js';
import CreateGroup from './CreateGroup.js';
import CreateUser from './CreateUser.js';
import DeleteAccessKey from './DeleteAccessKey.js';
import DeleteGroup from './DeleteGroup.js';
import DeleteGroupPolicy from './DeleteGroupPolicy.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserPolicy from './DeleteUserPolicy.js';
import GetGroup from './GetGroup.js';
import GetGroupPolicy from './GetGroupPolicy.js';
import GetUser from './GetUser.js';
import GetUserPolicy from './GetUserPolicy.js';
import ListAccessKeys from './ListAccessKeys.js';
import ListGroupPolicies from './ListGroupPolicies.js';
import ListGroups from './ListGroups.js';
import ListUserPolicies from './ListUserPolicies.js';
import ListUsers from './ListUsers.js';
import PutGroupPolicy from './PutGroupPolicy.js';
import PutUserPolicy from './PutUserPolicy.js';
import RemoveUserFromGroup from './RemoveUserFromGroup.js';
import UpdateAccessKey from './UpdateAccessKey.js';

/** The IAM actions served on the endpoint (Version=2010-05-08): every operation of src/api/iam/model. */
export const IAM_ACTIONS: IamActionFactory[] = [
  CreateUser, DeleteUser, GetUser, ListUsers,
  CreateAccessKey, DeleteAccessKey, ListAccessKeys, UpdateAccessKey,
  PutUserPolicy, GetUserPolicy, DeleteUserPolicy, ListUserPolicies,
  CreateGroup, DeleteGroup, GetGroup, ListGroups, AddUserToGroup, RemoveUserFromGroup,
  PutGroupPolicy, GetGroupPolicy, DeleteGroupPolicy, ListGroupPolicies,
];

export function buildIamRegistry(deps: IamDeps): ActionRegistry {
  const map = new Map<string, ReturnType<IamActionFactory>>();
  for (const factory of IAM_ACTIONS) {
    const handler = factory(deps);
    if (map.has(handler.name)) throw new Error(`IAM action ${handler.name} registered twice`);
    map.set(handler.name, handler);
  }
  return map;
}
