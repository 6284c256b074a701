/**
 * Changes of who may log in to a serverless cache's backing nodes, written as ModifyReplicationGroup
 * writes a group's: the group's spec and every member's, at the versions read, with their
 * generations bumped so the reconciler applies them (the ACL live on every node) and the group
 * shows `modifying` until it has.
 */
import type { Services } from '../core/index.js';
import type { AuthTokenState, GroupView, ReplicationGroupSpec, UserGroupsPending, WriteOp } from '../store/index.js';
import { bumped, clusterSpecWrite, groupSpecWrite } from '../store/index.js';
import { storedMemberClusters } from './lookups.js';

export interface BackingAccess {
  /** The `default` user's password state (absent: unchanged). */
  auth?: AuthTokenState;
  /** RBAC: the user groups whose users are the nodes' ACL (absent: unchanged). */
  userGroupIds?: string[];
  pendingUserGroups?: UserGroupsPending;
  /** Other settings of the group's spec written in the same op (backups: retention and windows). */
  settings?: Pick<Partial<ReplicationGroupSpec>, 'snapshotRetentionLimit' | 'snapshotWindow' | 'preferredMaintenanceWindow'>;
}

export async function backingAccessOps(svc: Pick<Services, 'store'>, view: GroupView, change: BackingAccess): Promise<WriteOp[]> {
  const g = view.doc;
  const next = bumped({
    ...g,
    ...change.settings,
    ...(change.auth ? { auth: change.auth } : {}),
    ...(change.userGroupIds ? { userGroupIds: change.userGroupIds } : {}),
    pending: { ...g.pending, ...(change.pendingUserGroups ? { userGroups: change.pendingUserGroups } : {}) },
  });
  const members = await storedMemberClusters(svc as Services, g);
  return [
    ...groupSpecWrite(view, next),
    ...members.flatMap((m) => clusterSpecWrite(m, bumped({ ...m.doc, ...(change.auth ? { auth: change.auth } : {}) }))),
  ];
}
