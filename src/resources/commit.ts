import type { AwsError } from '../api/errors.js';
import { ConflictError, type Kind, type StateStore, type WriteOp } from '../store/index.js';

/**
 * Commits the ops that create a resource (its record first, then e.g. its tags record) and turns
 * a clash on the resource's own record into the API's AlreadyExists fault, so nothing is ever
 * half-created. A clash on a `tags` record can only mean tags left behind by a resource of the
 * same ARN that is gone (the resource's create op comes first and would have failed otherwise):
 * those are dropped and the commit is tried once more.
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

/**
 * Runs a read-validate-commit step again when its commit lost a race (a version precondition
 * failed, or a record it expected to create or update was created or removed meanwhile).
 * The step re-reads everything, so a second attempt sees the other writer's result and
 * validates against it (e.g. a group deleted meanwhile is then reported as not found).
 */
export async function retryOnConflict<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= attempts) throw e;
    }
  }
}
