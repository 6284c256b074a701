/** Shared setup of the serverless action tests (serverless.test.ts, serverless-bad-input.test.ts). */
import CreateServerlessCache from './CreateServerlessCache.js';
import CreateUserGroup from './CreateUserGroup.js';
import type { TestServices } from './test-services.js';
import { RbacController } from '../../reconciler/rbac-controller.js';
import { silentLogger } from '../../util/logger.js';
import { getServerlessCache, serverlessStatusWrite, type ServerlessCacheStatus, type StateStore } from '../../store/index.js';

export const IVP = 'InvalidParameterValue';
export const IPC = 'InvalidParameterCombination';

export const createCache = (t: TestServices, name: string, extra: object = {}) =>
  t.call(CreateServerlessCache, { ServerlessCacheName: name, Engine: 'redis', ...extra });

/** As the serverless controller would: the cache's observed status (and its latest generation observed). */
export async function setServerlessStatus(store: StateStore, name: string, status: ServerlessCacheStatus): Promise<void> {
  const v = (await getServerlessCache(store, name))!;
  await store.commit(serverlessStatusWrite(v, { name, status, observedGeneration: v.spec.generation }));
}

/** An active user group holding the built-in default user. */
export async function activeUserGroup(t: TestServices, id: string): Promise<void> {
  await t.call(CreateUserGroup, { UserGroupId: id, Engine: 'redis', UserIds: ['default'] });
  await new RbacController({ store: t.store, events: t.svc.events, logger: silentLogger }).reconcile();
}
