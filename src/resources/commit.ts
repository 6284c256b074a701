import { AwsError, fault, type FaultName } from '../errors/index.js';
import { ConflictError, type Kind, type StateStore, type Stored, type WriteOp } from '../store/index.js';
import { delay } from '../util/wait.js';
import { taggedKind } from './tags.js';

/**
 * Commits the ops that create a resource (its record first, then e.g. its tags record) and turns
 * a clash on the resource's own record into the API's AlreadyExists fault, so nothing is ever
 * half-created. A clash on a `tags` record can only mean tags left behind by a resource of the
 * same ARN that is gone (the resource's create op comes first and would have failed otherwise):
 * those are dropped and the commit is tried once more. Any other conflict (e.g. a member record
 * updated at a stale version) is thrown as is: call this inside {@link retryOnConflict}.
 */
export async function createRecords(store: StateStore, ops: WriteOp[], kind: Kind,
  alreadyExists: () => AwsError): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.commit(ops);
      return;
    } catch (e) {
      if (!(e instanceof ConflictError) || e.reason !== 'exists') throw e;
      if (e.kind === kind) throw alreadyExists();
      if (e.kind !== 'tags' || attempt > 0) throw e;
      await store.commit([{ op: 'delete', kind: 'tags', id: e.id }]);
    }
  }
}

/** How many times {@link retryOnConflict} runs a step before answering with the state fault. */
export const CONFLICT_ATTEMPTS = 5;

/**
 * The wait before the n-th run of a step (n ≥ 2) is a random 0 – BASE·2^(n-2) ms ("full jitter").
 * Requests that lost a race to the same record together would otherwise run again together and
 * lose together again (one winner a round); spread apart, nearly all win the next round.
 */
export const CONFLICT_BACKOFF_BASE_MS = 2;

/** Per-call refinements of the one conflict policy of {@link retryOnConflict}. */
export interface ConflictPolicy {
  /**
   * A create that found its id taken (reason `exists`) is answered at once with the fault this
   * gives (e.g. ReplicationGroupAlreadyExists): running the step again would find the same
   * record. Undefined for a conflict it does not recognise, which is retried as any other.
   */
  alreadyExists?: (e: ConflictError) => AwsError | undefined;
  /** The answer once every attempt lost its race: {@link conflictFault} (ElastiCache's) unless given. */
  exhausted?: (e: ConflictError) => AwsError;
  attempts?: number;
  /** {@link CONFLICT_BACKOFF_BASE_MS} unless given (0: run again at once). */
  backoffBaseMs?: number;
}

/**
 * The one conflict policy of API writes (the reconciler has its own: it skips and requeues).
 *
 * `step` reads every record it rewrites, validates the request against them and commits its
 * writes atomically with `expectVersion` on each. When the commit loses a race (a version
 * precondition failed because the reconciler or another request wrote in between, or a record
 * it creates or updates was created or removed meanwhile), the whole step runs again: it
 * re-reads, so the mutation is re-applied on top of the other writer's result (no lost write),
 * and it re-validates, so a change the fresh state forbids gets the step's own fault (e.g. a
 * group no longer available → InvalidReplicationGroupState, deleted → ReplicationGroupNotFound).
 * After {@link CONFLICT_ATTEMPTS} lost races the answer is the state fault of the contested
 * record ({@link conflictFault}): an HTTP 400 the caller may retry, never an InternalFailure.
 */
export async function retryOnConflict<T>(step: () => Promise<T>, policy: ConflictPolicy = {}): Promise<T> {
  const attempts = policy.attempts ?? CONFLICT_ATTEMPTS;
  const backoff = policy.backoffBaseMs ?? CONFLICT_BACKOFF_BASE_MS;
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const exists = e.reason === 'exists' ? policy.alreadyExists?.(e) : undefined;
      if (exists) throw exists;
      if (i >= attempts) throw (policy.exhausted ?? conflictFault)(e);
      if (backoff > 0) await delay(Math.random() * backoff * 2 ** (i - 1));
    }
  }
}

/**
 * A write that leaves a record as it was read, at the version read: the guard of a check that
 * spans records. A step that validated against a record it does not change (the security group a
 * new rule names as its source) commits this with its writes, so the commit fails if that record
 * changed or went meanwhile, and, since the version moves on, so does a concurrent commit that
 * relied on the record staying as it was (deleting that group after finding no rule naming it).
 */
export function unchanged<K extends Kind>(record: Stored<K>): WriteOp {
  return { op: 'update', kind: record.kind, id: record.id, doc: record.doc, expectVersion: record.version };
}

/**
 * The state fault ElastiCache answers for a resource another request is changing. Kinds AWS has
 * no state fault for (and which the ElastiCache API rarely contends on) get `Throttling`, the
 * common "try again" error every AWS SDK retries.
 */
const STATE_FAULTS: Record<Kind, { fault?: FaultName; what: string }> = {
  replicationGroup: { fault: 'InvalidReplicationGroupStateFault', what: 'Replication group' },
  cacheCluster: { fault: 'InvalidCacheClusterStateFault', what: 'Cache cluster' },
  replicationGroupStatus: { fault: 'InvalidReplicationGroupStateFault', what: 'Replication group' },
  cacheClusterStatus: { fault: 'InvalidCacheClusterStateFault', what: 'Cache cluster' },
  user: { fault: 'InvalidUserStateFault', what: 'User' },
  userGroup: { fault: 'InvalidUserGroupStateFault', what: 'User group' },
  userStatus: { fault: 'InvalidUserStateFault', what: 'User' },
  userGroupStatus: { fault: 'InvalidUserGroupStateFault', what: 'User group' },
  cacheParameterGroup: { fault: 'InvalidCacheParameterGroupStateFault', what: 'Cache parameter group' },
  cacheSubnetGroup: { what: 'Cache subnet group' },
  securityGroup: { what: 'Security group' },
  networkInterface: { what: 'Network interface' },
  address: { what: 'Endpoint address' },
  installation: { what: 'Installation record' },
  tags: { what: 'The tags of' },
  claim: { what: 'The claim on' },
  iamUser: { what: 'IAM user' },
  iamGroup: { what: 'IAM group' },
  iamAccessKey: { what: 'IAM access key' },
  snapshot: { fault: 'InvalidSnapshotStateFault', what: 'Snapshot' },
  snapshotStatus: { fault: 'InvalidSnapshotStateFault', what: 'Snapshot' },
  backupSchedule: { what: 'The backup schedule of' },
  eventCursor: { what: 'The event cursor' },
  alarm: { what: 'Alarm' },
  alarmStatus: { what: 'The state of alarm' },
  alarmHistory: { what: 'The history of alarm' },
  snsTopic: { what: 'Topic' },
  snsSubscription: { what: 'Subscription' },
  serverlessCache: { fault: 'InvalidServerlessCacheStateFault', what: 'Serverless cache' },
  serverlessCacheStatus: { fault: 'InvalidServerlessCacheStateFault', what: 'Serverless cache' },
  serverlessUsage: { what: 'The usage of serverless cache' },
};

/** The AWS fault for a conflict on `e.kind`/`e.id` that retrying did not resolve. */
export function conflictFault(e: ConflictError): AwsError {
  // A tag list is contended for the resource it belongs to: that resource's state fault.
  const kind = e.kind === 'tags' ? taggedKind(e.id) ?? 'tags' : e.kind;
  const subject = `${STATE_FAULTS[e.kind].what} ${e.id}`;
  const message = `${subject} kept being changed by other requests or by the reconciler while this request was applied; try again.`;
  const name = STATE_FAULTS[kind].fault;
  return name ? fault(name, message) : new AwsError('Throttling', message, 400, true, { cause: e });
}
