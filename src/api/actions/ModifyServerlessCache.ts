import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyServerlessCacheRequest, ModifyServerlessCacheResponse } from '../model/shapes.js';
import { presentServerlessCache } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { requireServerlessCache } from './serverless-lookup.js';
import type { Services } from '../../core/index.js';
import { retryOnConflict } from '../../resources/commit.js';
import { requireSecurityGroups } from '../../resources/security-groups.js';
import {
  backingBackupWindows, checkDailySnapshotTime, checkRetention, checkServerlessEngine, lockedTokenSha, resolveUsageLimits,
} from '../../resources/serverless.js';
import { backingAccessOps, type BackingAccess } from '../../resources/serverless-backing.js';
import { serverlessUserGroup } from '../../resources/serverless-inputs.js';
import { attachmentOps } from '../../resources/user-groups.js';
import {
  getGroup, getUserGroup, groupSpecWrite, mergeServerlessCache, same, serverlessSpecWrite, type ServerlessCacheSpec, type ServerlessCacheView, type WriteOp,
} from '../../store/index.js';

/**
 * ModifyServerlessCache: Description, CacheUsageLimits, SecurityGroupIds (the endpoint's allow
 * list), UserGroupId / RemoveUserGroup (applied to the backing nodes as RBAC is, see
 * serverless-backing.ts), SnapshotRetentionLimit, DailySnapshotTime. Changes the endpoint must
 * follow bump the cache's generation: it shows `modifying` until the controller has applied them.
 */
export default defineAction<ModifyServerlessCacheRequest, ModifyServerlessCacheResponse>(
  'ModifyServerlessCache', async (input, svc) => retryOnConflict(async () => {
    const view = await requireServerlessCache(svc, input.ServerlessCacheName);
    const c = view.doc;
    checkServerlessEngine(input.Engine, input.MajorEngineVersion, false);
    if (input.MajorEngineVersion !== undefined && input.MajorEngineVersion !== c.majorEngineVersion) {
      throw CommonErrors.invalidParameterValue(`Serverless cache ${c.name} already runs major engine version ${c.majorEngineVersion}.`);
    }
    if (c.status !== 'available') {
      throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${c.name} is ${c.status}; it can be modified only when available.`);
    }
    if (input.RemoveUserGroup && input.UserGroupId !== undefined) {
      throw CommonErrors.invalidParameterCombination('RemoveUserGroup cannot be combined with UserGroupId.');
    }
    const next: ServerlessCacheSpec = structuredClone(view.spec);
    const ops: WriteOp[] = [];
    let endpointChange = false;
    if (input.Description !== undefined) {
      if (input.Description.length > 255) throw CommonErrors.invalidParameterValue('Description must be at most 255 characters long.');
      next.description = input.Description;
    }
    if (input.CacheUsageLimits !== undefined) {
      const limits = resolveUsageLimits(input.CacheUsageLimits);
      if (limits && !same(limits, next.cacheUsageLimits)) { next.cacheUsageLimits = limits; endpointChange = true; }
    }
    if (input.SecurityGroupIds !== undefined) {
      const ids = [...new Set(input.SecurityGroupIds)];
      ops.push(...await requireSecurityGroups(svc, ids));
      if (!same(ids, next.securityGroupIds)) { next.securityGroupIds = ids; endpointChange = true; }
    }
    const retention = checkRetention(input.SnapshotRetentionLimit);
    if (retention !== undefined) next.snapshotRetentionLimit = retention;
    const time = checkDailySnapshotTime(input.DailySnapshotTime);
    if (time !== undefined) next.dailySnapshotTime = time;
    // Backups: the backing group's retention and windows follow (with a user group change, in its write).
    const w = backingBackupWindows(next.dailySnapshotTime);
    const backups = next.snapshotRetentionLimit !== view.spec.snapshotRetentionLimit || next.dailySnapshotTime !== view.spec.dailySnapshotTime
      ? { snapshotRetentionLimit: next.snapshotRetentionLimit, snapshotWindow: w.snapshotWindow, preferredMaintenanceWindow: w.maintenanceWindow } : undefined;
    const access = await userGroupOps(svc, view, input, backups);
    if (backups && !access) {
      const g = await getGroup(svc.store, view.spec.backingGroupId);
      if (g) ops.push(...groupSpecWrite(g, { ...g.doc, ...backups }));
    }
    if (access) {
      if (access.userGroupId) next.userGroupId = access.userGroupId;
      else delete next.userGroupId;
      ops.push(...access.ops);
      endpointChange = true;
    }
    if (same(next, view.spec)) throw CommonErrors.invalidParameterCombination('No modifications were requested.');
    if (endpointChange) next.generation = view.spec.generation + 1;
    await svc.store.commit([...serverlessSpecWrite(view, next), ...ops]);
    await svc.events.emit('serverless-cache', c.name, `Serverless cache ${c.name} modified`);
    svc.kick();
    return { ServerlessCache: presentServerlessCache(mergeServerlessCache(next, view.status)) };
  }));

/**
 * The writes that move the backing nodes to the user group asked for (or back to the endpoint's
 * own default login, which the controller sets again), with both user groups' attachment lists;
 * undefined when the user group stays as it is.
 */
async function userGroupOps(svc: Services, view: ServerlessCacheView, input: ModifyServerlessCacheRequest, settings: BackingAccess['settings']):
  Promise<{ userGroupId?: string; ops: WriteOp[] } | undefined> {
  const current = view.spec.userGroupId;
  if (input.RemoveUserGroup) {
    if (!current) throw CommonErrors.invalidParameterValue(`Serverless cache ${view.id} has no user group to remove.`);
  } else if (input.UserGroupId === undefined || input.UserGroupId.toLowerCase() === current) {
    return undefined;
  }
  const adding = input.RemoveUserGroup ? undefined : await serverlessUserGroup(svc, input.UserGroupId);
  const group = await getGroup(svc.store, view.spec.backingGroupId);
  if (!group) throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${view.id} has no backing data yet.`);
  const removing = current ? await getUserGroup(svc.store, current) : undefined;
  const now = svc.now().toISOString();
  const version = (group.doc.auth?.version ?? 0) + 1;
  const ops = await backingAccessOps(svc, group, { ...(settings ? { settings } : {}), ...(adding
    // To RBAC: the user group's `default` user takes over (AuthTokenUpdateStrategy DELETE's state).
    ? { auth: { tokenSha256: [], passwordless: true, lastModifiedDate: now, version }, userGroupIds: [adding.id], pendingUserGroups: { add: [adding.id], remove: current ? [current] : [] } }
    // Back to the endpoint's login: locked until the controller rotates it to its password.
    : { auth: { tokenSha256: [lockedTokenSha(view.id)], passwordless: false, lastModifiedDate: now, version }, userGroupIds: [], pendingUserGroups: { add: [], remove: [current!] } }) });
  return {
    ...(adding ? { userGroupId: adding.id } : {}),
    ops: [...ops, ...(adding ? attachmentOps([adding], group.id, true) : []), ...(removing ? attachmentOps([removing], group.id, false) : [])],
  };
}
