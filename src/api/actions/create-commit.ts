import { ConflictError } from '../../store/index.js';
import type { Services } from '../../service/services.js';
import { fault, type AwsError } from '../errors.js';

/**
 * Runs a create that reserves addresses and commits atomically. A clash on an address (another
 * request took it meanwhile) retries with fresh addresses; other conflicts become the AWS fault
 * `mapConflict` gives. Then the reconciler is woken.
 */
export async function commitCreate<T>(svc: Services, attempt: () => Promise<T>,
  mapConflict: (e: unknown) => AwsError | undefined): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      const result = await attempt();
      svc.kick();
      return result;
    } catch (e) {
      if (e instanceof ConflictError && e.kind === 'address' && tries < 5) continue;
      throw mapConflict(e) ?? e;
    }
  }
}

/** A user group changed between a replication group call's read and its commit (RBAC attachments). */
export function userGroupConflict(e: unknown): AwsError | undefined {
  return e instanceof ConflictError && e.kind === 'userGroup'
    ? fault('InvalidUserGroupStateFault', `User group ${e.id} was modified or deleted meanwhile; try again.`)
    : undefined;
}

/** The AWS faults for a replication-group create that lost a race on its ids. */
export function groupCreateConflicts(groupId: string): (e: unknown) => AwsError | undefined {
  return (e) => userGroupConflict(e) ?? (e instanceof ConflictError && e.kind === 'replicationGroup'
    ? fault('ReplicationGroupAlreadyExistsFault', `Replication group ${groupId} already exists.`)
    : e instanceof ConflictError && e.kind === 'cacheCluster'
      ? fault('CacheClusterAlreadyExistsFault', `Cache cluster ${e.id} already exists.`)
      : undefined);
}
