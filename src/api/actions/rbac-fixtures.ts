/** Shared setup of the RBAC action tests (rbac-users.test.ts, rbac-user-groups.test.ts). */
import { afterEach, beforeEach } from 'node:test';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateUser from './CreateUser.js';
import CreateUserGroup from './CreateUserGroup.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import { fakeEngine, makeTestServices, type TestServices } from './test-services.js';
import { loadNodeAcl } from '../../reconciler/acl.js';
import { RbacController } from '../../reconciler/rbac-controller.js';
import { silentLogger } from '../../util/logger.js';
import { getGroup, getUser, getUserGroup } from '../../store/index.js';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';

/** Fresh services for each test of the file that calls {@link useRbacServices} (a live binding). */
export let t: TestServices;
export function useRbacServices(): void {
  beforeEach(async () => { t = await makeTestServices({ engines: [fakeEngine()] }); });
  afterEach(async () => { await t.close(); });
}


export const PW = 'App-Reader-Password-001';
export const PW2 = 'App-Reader-Password-002';
export const IVP = 'InvalidParameterValue';
export const IPC = 'InvalidParameterCombination';

export const createUser = (id: string, extra: object = {}) =>
  t.call(CreateUser, { UserId: id, UserName: id, Engine: 'redis', AccessString: 'on ~app::* -@all +@read', Passwords: [PW], ...extra });
/** Merged views (spec and status), as the API reads them. */
export const userDoc = async (id: string) => (await getUser(t.store, id))!.doc;
export const ugDoc = async (id: string) => (await getUserGroup(t.store, id))!.doc;
export const rgDoc = async (id: string) => (await getGroup(t.store, id))!.doc;
export const describeGroup = async (id: string) => (await t.call(DescribeReplicationGroups, { ReplicationGroupId: id })).ReplicationGroups[0];

/** One reconciler pass of the RBAC controller (user groups creating → active, pending changes done once nodes have them). */
export const settle = () => new RbacController({ store: t.store, events: t.svc.events, logger: silentLogger }).reconcile();

/** What the security step records once every node of every cluster runs the ACL its records call for. */
export async function nodesApplyAcls(): Promise<void> {
  for (const c of await t.store.list('cacheCluster')) {
    const acl = await loadNodeAcl(t.store, c.doc);
    await setClusterStatus(t.store, c.id, (x) => { x.status = 'available'; x.appliedAcl = acl.fingerprint; });
  }
}

export async function markGroupsAvailable(): Promise<void> {
  for (const g of await t.store.list('replicationGroup')) {
    await setGroupStatus(t.store, g.id, (x) => { x.status = 'available'; });
  }
}

/** app-reader, a custom default user, and user group `app` holding both (active). */
export async function appUsers(): Promise<void> {
  await createUser('app-reader');
  await t.call(CreateUser, { UserId: 'my-default', UserName: 'default', Engine: 'redis', AccessString: 'off', Passwords: [PW2] });
  await t.call(CreateUserGroup, { UserGroupId: 'app', Engine: 'redis', UserIds: ['my-default', 'app-reader'] });
  await settle();
}

/** A TLS group (`rbac-group`) with user group `app`, available with its ACL live. */
export async function rbacGroup(): Promise<void> {
  await appUsers();
  await t.call(CreateReplicationGroup, {
    ReplicationGroupId: 'rbac-group', ReplicationGroupDescription: 'd', NumCacheClusters: 2, TransitEncryptionEnabled: true, UserGroupIds: ['app'],
  });
  await nodesApplyAcls();
  await markGroupsAvailable();
}

