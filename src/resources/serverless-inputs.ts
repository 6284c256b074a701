/**
 * Checks of CreateServerlessCache's and ModifyServerlessCache's references to other resources:
 * subnets, the user group, snapshots to restore from.
 */
import { CommonErrors, fault } from '../errors/index.js';
import { parseArn, type Services } from '../core/index.js';
import type { UserGroupView } from '../store/index.js';
import { findServerlessSnapshot } from './serverless-snapshots.js';
import { normalizeRbacId, requireUserGroup } from './users.js';

/**
 * SubnetIds: each one a subnet of some cache subnet group (InvalidSubnet otherwise); none given:
 * the default subnet group's, as ElastiCache takes the default VPC's.
 */
export async function resolveSubnetIds(svc: Services, ids: string[] | undefined): Promise<string[]> {
  const groups = (await svc.store.list('cacheSubnetGroup')).map((r) => r.doc);
  if (!ids?.length) return (groups.find((g) => g.name === 'default')?.subnets ?? []).map((s) => s.id);
  const known = new Set(groups.flatMap((g) => g.subnets.map((s) => s.id)));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw fault('InvalidSubnet', `The subnet ID ${unknown.join(', ')} does not exist.`);
  return [...new Set(ids)];
}

/**
 * UserGroupId: a user group that exists (UserGroupNotFound) and is active (InvalidUserGroupState).
 * Serverless caches are TLS-only, so role-based access control needs nothing more.
 */
export async function serverlessUserGroup(svc: Services, id: string | undefined): Promise<UserGroupView | undefined> {
  if (id === undefined) return undefined;
  const ug = await requireUserGroup(svc, normalizeRbacId('UserGroupId', id));
  if (ug.doc.status !== 'active') {
    throw fault('InvalidUserGroupStateFault', `User group ${ug.id} is ${ug.doc.status}; it can be attached only when active.`);
  }
  return ug;
}

/**
 * SnapshotArnsToRestore: the ARN of one serverless cache snapshot of this installation, available
 * (ServerlessCacheSnapshotNotFoundFault, InvalidServerlessCacheSnapshotStateFault otherwise); the
 * stored name of the snapshot the backing group is restored from, or none.
 */
export async function serverlessRestoreSource(svc: Services, arns: string[] | undefined): Promise<string | undefined> {
  if (!arns?.length) return undefined;
  if (arns.length > 1) throw CommonErrors.invalidParameterValue('SnapshotArnsToRestore: cachefleet restores a serverless cache from one snapshot.');
  const value = arns[0]!;
  const parsed = parseArn(value);
  if (!parsed || parsed.type !== 'serverlesscachesnapshot') {
    throw CommonErrors.invalidParameterValue(`Invalid SnapshotArnsToRestore entry '${value}': it must be the ARN of a serverless cache snapshot.`);
  }
  const mine = parsed.region === svc.installation.region && parsed.accountId === svc.installation.accountId;
  const found = mine ? await findServerlessSnapshot(svc, parsed.id) : undefined;
  if (!found) throw fault('ServerlessCacheSnapshotNotFoundFault', `Serverless cache snapshot ${parsed.id} not found.`);
  if (found.doc.deleteRequested || found.doc.work.status !== 'available') {
    throw fault('InvalidServerlessCacheSnapshotStateFault', `Serverless cache snapshot ${parsed.id} is ${found.doc.status}; a cache can be restored only from an available snapshot.`);
  }
  return found.id;
}
