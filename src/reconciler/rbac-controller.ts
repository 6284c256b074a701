import { ConflictError, groupSpecWrite, listClusters, listGroups, type CacheClusterRecord, type ReplicationGroupRecord, type UserGroupRecord, type UserRecord, type WriteOp } from '../store/index.js';
import { deleteTagOps } from '../resources/tags.js';
import { desiredAcl } from './acl.js';
import type { ReconcilerDeps } from './deps.js';

/**
 * Statuses of role-based access control, from what the nodes run: a change made by an API call
 * (ModifyUser, ModifyUserGroup, DeleteUser, ModifyReplicationGroup with user groups) is done once
 * every node of every replication group it touches has the resulting ACL live — each cluster
 * records the ACL fingerprint verified on its node (CacheClusterRecord.appliedAcl, set by the
 * security step). Then: a replication group's PendingModifiedValues.UserGroups is cleared, a user
 * group or user is `active` again, a user being deleted is removed. Runs after the clusters and
 * before the groups in each reconciler pass, so a group turns `available` with nothing pending.
 */
export class RbacController {
  constructor(private readonly d: Pick<ReconcilerDeps, 'store' | 'events' | 'logger'>) {}

  /** One pass; true while a change is still being applied. */
  async reconcile(): Promise<boolean> {
    const [groups, clusters, userGroups, users] = await Promise.all([
      listGroups(this.d.store), listClusters(this.d.store), this.d.store.list('userGroup'), this.d.store.list('user'),
    ]);
    const clusterById = new Map(clusters.map((c) => [c.id, c.doc]));
    const userGroupById = new Map(userGroups.map((g) => [g.id, g.doc]));
    const userById = new Map(users.map((u) => [u.id, u.doc]));
    const live = (g: ReplicationGroupRecord) => inSync(g, clusterById, userGroupById, userById);
    let busy = false;

    for (const s of groups) {
      const g = s.doc;
      const pending = g.pending.userGroups;
      if (!pending) continue;
      if (!live(g)) { busy = true; continue; }
      const { userGroups: _done, ...rest } = g.pending;
      // A spec transition (at the spec's version): the API's pending change is done.
      if (!(await this.commit(groupSpecWrite(s, { ...g, pending: rest })))) {
        busy = true;
        continue;
      }
      const parts = [...(pending.add.length ? [`added ${pending.add.join(', ')}`] : []), ...(pending.remove.length ? [`removed ${pending.remove.join(', ')}`] : [])];
      await this.d.events.emit('replication-group', g.id, `User groups of replication group ${g.id} applied on every node: ${parts.join('; ')}`);
    }

    for (const s of userGroups) {
      const ug = s.doc;
      if (ug.status !== 'creating' && ug.status !== 'modifying') continue;
      const attached = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).includes(ug.userGroupId));
      if (ug.status === 'modifying' && !attached.every(live)) { busy = true; continue; }
      const { pending: _done, ...rest } = ug;
      const doc: UserGroupRecord = { ...rest, status: 'active' };
      if (!(await this.commit([{ op: 'update', kind: 'userGroup', id: ug.userGroupId, doc, expectVersion: s.version }]))) { busy = true; continue; }
      await this.d.events.emit('user-group', ug.userGroupId, ug.status === 'creating'
        ? `User group ${ug.userGroupId} created`
        : `User group ${ug.userGroupId} modified: live on ${attached.length ? `every node of ${attached.map((g) => g.id).join(', ')}` : 'no replication group'}`);
    }

    for (const s of users) {
      const u = s.doc;
      if (u.status === 'modifying') {
        const attached = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).some((id) => u.userGroupIds.includes(id)));
        if (!attached.every(live)) { busy = true; continue; }
        if (!(await this.commit([{ op: 'update', kind: 'user', id: u.userId, doc: { ...u, status: 'active' }, expectVersion: s.version }]))) { busy = true; continue; }
        await this.d.events.emit('user', u.userId, `User ${u.userId} modified: live on ${attached.length ? `every node of ${attached.map((g) => g.id).join(', ')}` : 'no replication group'}`);
      } else if (u.status === 'deleting') {
        const stillMember = userGroups.some((g) => g.doc.userIds.includes(u.userId));
        // Nodes that may still have it: those of groups with user groups (or just detached from some).
        const rbacGroups = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).length > 0 || g.pending.userGroups);
        if (stillMember || !rbacGroups.every(live)) { busy = true; continue; }
        if (!(await this.commit([{ op: 'delete', kind: 'user', id: u.userId, expectVersion: s.version }, ...await deleteTagOps(this.d.store, u.arn)]))) {
          busy = true;
          continue;
        }
        await this.d.events.emit('user', u.userId, `User ${u.userId} deleted: removed from every node`);
      }
    }
    return busy;
  }

  /** Commits unless another writer got there first (then the next pass looks again). */
  private async commit(ops: WriteOp[]): Promise<boolean> {
    try {
      await this.d.store.commit(ops);
      return true;
    } catch (err) {
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }
}

/**
 * Does every member of the group run the ACL its records call for? Members being deleted, and
 * groups being deleted, do not hold anything up.
 */
export function inSync(g: ReplicationGroupRecord, clusters: ReadonlyMap<string, CacheClusterRecord>,
  userGroups: ReadonlyMap<string, UserGroupRecord>, users: ReadonlyMap<string, UserRecord>): boolean {
  if (g.deleteRequested) return true;
  const { fingerprint } = desiredAcl(g, userGroups, users);
  return g.memberClusters.every((id) => {
    const c = clusters.get(id);
    return !c || c.deleteRequested === true || c.appliedAcl === fingerprint;
  });
}
