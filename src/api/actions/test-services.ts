/**
 * The unit-test harness of API handlers: resources/test-services.ts (a real Services object over
 * a real SqliteStore) plus calling an action as the HTTP layer would. Not used at run time.
 */
import {
  makeTestServices as makeServices, type TestServices as BaseTestServices, type TestServicesOptions,
} from '../../resources/test-services.js';
import type { ActionFactory } from './define.js';

export {
  assertFault, assertFaultChangesNothing, fakeEngine, insertCacheCluster, storeSnapshot, type TestServicesOptions,
} from '../../resources/test-services.js';

export interface TestServices extends BaseTestServices {
  /** Calls an action's handler with `input`, as the HTTP layer would after decoding. */
  call<O = any>(action: ActionFactory, input: object): Promise<O>;
}

export async function makeTestServices(opts: TestServicesOptions = {}): Promise<TestServices> {
  const t = await makeServices(opts);
  return { ...t, call: async (action, input) => action(t.svc).handle(input, { requestId: 'test-request', action: action(t.svc).name }) };
}
