import {
  ConflictError, groupSpecWrite, listUserGroups, listUsers, MergedViews, userDelete, userGroupStatusWrite, userStatusWrite,
  type CacheClusterRecord, type EventRecord, type ReplicationGroupRecord, type UserGroupSpec, type UserSpec, type WriteOp,
} from '../store/index.js';
import { deleteTagOps } from '../resources/tags.js';
import { desiredAcl } from './acl.js';
import type { ReconcilerDeps } from './deps.js';

/**
 * Statuses of role-based access control, from what the nodes run: a change made by an API call
 * (ModifyUser, ModifyUserGroup, DeleteUser, ModifyReplicationGroup with user groups) is done once
 * every node of every replication group it touches has the resulting ACL live — each cluster
 * records the ACL fingerprint verified on its node (CacheClusterRecord.appliedAcl, set by the
 * security step). Then: a replication group's PendingModifiedValues.UserGroups is cleared (a spec
 * transition); a user group or user records the spec generation it saw live in its *status*
 * half (so it shows `active` again, and no API call on it has to retry for it); a user being
 * deleted has its records removed (a spec transition at the spec's version). A user group the
 * reconciler sees for the first time gets its status record (`creating` → `active`). Runs after
 * the clusters and before the groups in each reconciler pass, so a group turns `available` with
 * nothing pending. Each event is stored in the commit of the change it tells of.
 */
export class RbacController {
  private readonly views: MergedViews;

  /** `views`: the reconciler's reads of the pass (default: straight from the store). */
  constructor(private readonly d: Pick<ReconcilerDeps, 'store' | 'events' | 'logger'>, views?: MergedViews) {
    this.views = views ?? new MergedViews(d.store);
  }

  /** One pass; true while a change is still being applied. */
  async reconcile(): Promise<boolean> {
    const [groups, clusters, userGroups, users] = await Promise.all([
      this.views.groups(), this.views.clusters(), listUserGroups(this.views.reads), listUsers(this.views.reads),
    ]);
    const clusterById = new Map(clusters.map((c) => [c.id, c.doc]));
    // The ACL nodes must have follows the desired halves only.
    const userGroupById = new Map<string, UserGroupSpec>(userGroups.map((g) => [g.id, g.spec]));
    const userById = new Map<string, UserSpec>(users.map((u) => [u.id, u.spec]));
    const live = (g: ReplicationGroupRecord) => inSync(g, clusterById, userGroupById, userById);
    let busy = false;

    for (const s of groups) {
      const g = s.doc;
      const pending = g.pending.userGroups;
      if (!pending) continue;
      if (!live(g)) { busy = true; continue; }
      const { userGroups: _done, ...rest } = g.pending;
      const parts = [...(pending.add.length ? [`added ${pending.add.join(', ')}`] : []), ...(pending.remove.length ? [`removed ${pending.remove.join(', ')}`] : [])];
      // A spec transition (at the spec's version): the API's pending change is done.
      if (!(await this.commit(groupSpecWrite(s, { ...g, pending: rest }),
        this.d.events.event('replication-group', g.id, `User groups of replication group ${g.id} applied on every node: ${parts.join('; ')}`)))) {
        busy = true;
      }
    }

    for (const v of userGroups) {
      const ug = v.doc;
      if (ug.status !== 'creating' && ug.status !== 'modifying') continue;
      const attached = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).includes(ug.userGroupId));
      if (ug.status === 'modifying' && !attached.every(live)) { busy = true; continue; }
      const event = this.d.events.event('user-group', ug.userGroupId, ug.status === 'creating'
        ? `User group ${ug.userGroupId} created`
        : `User group ${ug.userGroupId} modified: live on ${liveOn(attached)}`);
      if (!(await this.commit(userGroupStatusWrite(v, { ...ug, observedGeneration: v.spec.generation ?? 0 }), event))) busy = true;
    }

    for (const v of users) {
      const u = v.doc;
      if (u.status === 'modifying') {
        const attached = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).some((id) => u.userGroupIds.includes(id)));
        if (!attached.every(live)) { busy = true; continue; }
        const event = this.d.events.event('user', u.userId, `User ${u.userId} modified: live on ${liveOn(attached)}`);
        if (!(await this.commit(userStatusWrite(v, { ...u, observedGeneration: v.spec.generation ?? 0 }), event))) busy = true;
      } else if (u.status === 'deleting') {
        const stillMember = userGroups.some((g) => g.spec.userIds.includes(u.userId));
        // Nodes that may still have it: those of groups with user groups (or just detached from some).
        const rbacGroups = groups.map((r) => r.doc).filter((g) => (g.userGroupIds ?? []).length > 0 || g.pending.userGroups);
        if (stillMember || !rbacGroups.every(live)) { busy = true; continue; }
        const event = this.d.events.event('user', u.userId, `User ${u.userId} deleted: removed from every node`);
        if (!(await this.commit([...userDelete(v), ...await deleteTagOps(this.d.store, u.arn)], event))) busy = true;
      }
    }
    await this.removeOrphans();
    return busy;
  }

  /**
   * Status records whose spec is gone are removed: a DeleteUser or DeleteUserGroup that ran
   * between this controller's read and its first status write of the same resource leaves one.
   * (Only this controller makes status records, each for a spec it read earlier: a status read
   * here without a spec read after it is such a leftover.)
   */
  private async removeOrphans(): Promise<void> {
    const { reads } = this.views;
    const [us, gs] = await Promise.all([reads.list('userStatus'), reads.list('userGroupStatus')]);
    const [users, groups] = await Promise.all([reads.list('user'), reads.list('userGroup')]);
    const userIds = new Set(users.map((r) => r.id));
    const groupIds = new Set(groups.map((r) => r.id));
    const ops: WriteOp[] = [
      ...us.filter((r) => !userIds.has(r.id)).map((r): WriteOp => ({ op: 'delete', kind: 'userStatus', id: r.id, expectVersion: r.version })),
      ...gs.filter((r) => !groupIds.has(r.id)).map((r): WriteOp => ({ op: 'delete', kind: 'userGroupStatus', id: r.id, expectVersion: r.version })),
    ];
    if (ops.length) await this.commit(ops);
  }

  /**
   * Commits, with the event telling of it, unless another writer got there first (then the next
   * pass looks again, and the event is stored only when that commit is).
   */
  private async commit(ops: WriteOp[], event?: EventRecord): Promise<boolean> {
    try {
      await this.d.store.commit(ops, { events: event ? [event] : [] });
      return true;
    } catch (err) {
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }
}

function liveOn(groups: ReplicationGroupRecord[]): string {
  return groups.length ? `every node of ${groups.map((g) => g.id).join(', ')}` : 'no replication group';
}

/**
 * Does every member of the group run the ACL its records call for? Members being deleted, and
 * groups being deleted, do not hold anything up.
 */
export function inSync(g: ReplicationGroupRecord, clusters: ReadonlyMap<string, CacheClusterRecord>,
  userGroups: ReadonlyMap<string, Pick<UserGroupSpec, 'userIds'>>, users: ReadonlyMap<string, UserSpec>): boolean {
  if (g.deleteRequested) return true;
  const { fingerprint } = desiredAcl(g, userGroups, users);
  return g.memberClusters.every((id) => {
    const c = clusters.get(id);
    return !c || c.deleteRequested === true || c.appliedAcl === fingerprint;
  });
}
