/**
 * Races made deterministic, for tests of API actions against the reconciler or another request:
 * a store that lets another writer commit just before each of the action's commits (between
 * the action's reads and its write), and a way to run an action on that store.
 */
import type { Services } from '../../core/index.js';
import type { StateStore, WriteOp } from '../../store/index.js';
import type { ActionFactory } from './define.js';

/**
 * The store an action sees: before each of its commits, `other` writes through the real store
 * (as the reconciler or a concurrent request would, between the action's read and its commit).
 */
export function racing(store: StateStore, other: (commit: number, ops: WriteOp[]) => Promise<void>): { store: StateStore; commits: () => number } {
  let commits = 0;
  const commit: StateStore['commit'] = async (ops, opts) => { await other(++commits, ops); return store.commit(ops, opts); };
  return {
    commits: () => commits,
    store: new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'commit') return commit;
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }),
  };
}

/** Runs `action` as the API would, with `store` in place of the service's own. */
export function callWithStore(svc: Services, store: StateStore, action: ActionFactory, input: object): Promise<any> {
  return action({ ...svc, store }).handle(input, { requestId: 'race', action: action(svc).name });
}
