import type { ConflictError } from '../../store/index.js';
import { fault, type AwsError } from '../../errors/index.js';

/**
 * The AlreadyExists faults of a create that lost a race on its ids (for
 * {@link ConflictPolicy.alreadyExists} of src/resources/commit.ts): the group's own id, or the id
 * of a member cache cluster it creates. Other clashes (an address taken meanwhile) are retried.
 */
export function groupCreateConflicts(groupId: string): (e: ConflictError) => AwsError | undefined {
  return (e) => e.kind === 'replicationGroup'
    ? fault('ReplicationGroupAlreadyExistsFault', `Replication group ${groupId} already exists.`)
    : e.kind === 'cacheCluster'
      ? fault('CacheClusterAlreadyExistsFault', `Cache cluster ${e.id} already exists.`)
      : undefined;
}
