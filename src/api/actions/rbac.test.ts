/**
 * Role-based access control through the API: users and user groups, their validation with the
 * model's error codes (every failed call changes nothing), passwords kept only as SHA-256, and
 * user groups attached to replication groups (the way from an AUTH token to RBAC and back).
 * Statuses that follow the nodes are driven by the reconciler's RBAC controller over records.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateUser from './CreateUser.js';
import CreateUserGroup from './CreateUserGroup.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserGroup from './DeleteUserGroup.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import DescribeUserGroups from './DescribeUserGroups.js';
import DescribeUsers from './DescribeUsers.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import ModifyUser from './ModifyUser.js';
import ModifyUserGroup from './ModifyUserGroup.js';
import { actionsPartC } from './registry-part-c.js';
import { assertFault, assertFaultChangesNothing, fakeEngine, makeTestServices, storeSnapshot, type TestServices } from './test-services.js';
import { getOperation } from '../codec/model.js';
import { loadNodeAcl } from '../../reconciler/acl.js';
import { RbacController } from '../../reconciler/rbac-controller.js';
import { deleteGroup } from '../../reconciler/group-delete.js';
import type { ReconcilerDeps } from '../../reconciler/deps.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import { ensureBuiltIns } from '../../service/bootstrap.js';
import { sha256Hex } from '../../security/auth-token.js';
import { silentLogger } from '../../util/logger.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices({ engines: [fakeEngine()] }); });
afterEach(async () => { await t.close(); });

const PW = 'App-Reader-Password-001';
const PW2 = 'App-Reader-Password-002';
const IVP = 'InvalidParameterValue';
const IPC = 'InvalidParameterCombination';

const createUser = (id: string, extra: object = {}) =>
  t.call(CreateUser, { UserId: id, UserName: id, Engine: 'redis', AccessString: 'on ~app::* -@all +@read', Passwords: [PW], ...extra });
const userDoc = async (id: string) => (await t.store.get('user', id))!.doc;
const ugDoc = async (id: string) => (await t.store.get('userGroup', id))!.doc;
const rgDoc = async (id: string) => (await t.store.get('replicationGroup', id))!.doc;
const describeGroup = async (id: string) => (await t.call(DescribeReplicationGroups, { ReplicationGroupId: id })).ReplicationGroups[0];

/** One reconciler pass of the RBAC controller (user groups creating → active, pending changes done once nodes have them). */
const settle = () => new RbacController({ store: t.store, events: t.svc.events, logger: silentLogger }).reconcile();

/** What the security step records once every node of every cluster runs the ACL its records call for. */
async function nodesApplyAcls(): Promise<void> {
  for (const c of await t.store.list('cacheCluster')) {
    const acl = await loadNodeAcl(t.store, c.doc);
    await t.store.commit([{ op: 'update', kind: 'cacheCluster', id: c.id, doc: { ...c.doc, status: 'available', appliedAcl: acl.fingerprint } }]);
  }
}

async function markGroupsAvailable(): Promise<void> {
  for (const g of await t.store.list('replicationGroup')) {
    await t.store.commit([{ op: 'update', kind: 'replicationGroup', id: g.id, doc: { ...g.doc, status: 'available' } }]);
  }
}

/** app-reader, a custom default user, and user group `app` holding both (active). */
async function appUsers(): Promise<void> {
  await createUser('app-reader');
  await t.call(CreateUser, { UserId: 'my-default', UserName: 'default', Engine: 'redis', AccessString: 'off', Passwords: [PW2] });
  await t.call(CreateUserGroup, { UserGroupId: 'app', Engine: 'redis', UserIds: ['my-default', 'app-reader'] });
  await settle();
}

/** A TLS group (`rbac-group`) with user group `app`, available with its ACL live. */
async function rbacGroup(): Promise<void> {
  await appUsers();
  await t.call(CreateReplicationGroup, {
    ReplicationGroupId: 'rbac-group', ReplicationGroupDescription: 'd', NumCacheClusters: 2, TransitEncryptionEnabled: true, UserGroupIds: ['app'],
  });
  await nodesApplyAcls();
  await markGroupsAvailable();
}

test('the actions are operations of the model, and the built-in default user exists from the start', async () => {
  const names = actionsPartC.map((f) => f(t.svc).name);
  assert.equal(new Set(names).size, 8);
  for (const name of names) assert.ok(getOperation(name), name);
  const out = await t.call(DescribeUsers, { UserId: 'default' });
  assert.deepEqual(out.Users, [{
    UserId: 'default', UserName: 'default', Status: 'active', Engine: 'redis', MinimumEngineVersion: '6.0', AccessString: 'on ~* +@all',
    UserGroupIds: [], Authentication: { Type: 'no-password' }, ARN: 'arn:aws:elasticache:us-east-1:123456789012:user:default',
  }]);
  const before = await storeSnapshot(t.svc);
  await ensureBuiltIns(t.svc);
  assert.equal(await storeSnapshot(t.svc), before, 'ensureBuiltIns stays idempotent');
});

describe('users', () => {
  test('CreateUser keeps only the SHA-256 of each password and shows how many there are', async () => {
    const out = await createUser('App-Reader', { Passwords: [PW, PW2], Tags: [{ Key: 'team', Value: 'app' }] });
    assert.equal(out.UserId, 'app-reader');
    assert.equal(out.UserName, 'App-Reader');
    assert.equal(out.Status, 'active');
    assert.deepEqual(out.Authentication, { Type: 'password', PasswordCount: 2 });
    assert.equal(out.AccessString, 'on ~app::* -@all +@read');
    const doc = await userDoc('app-reader');
    assert.deepEqual(doc.authentication, { type: 'password', passwordHashes: [sha256Hex(PW), sha256Hex(PW2)] });
    const everything = await storeSnapshot(t.svc);
    assert.ok(!everything.includes(PW) && !everything.includes(PW2), 'a password is in the store');
    assert.ok(!JSON.stringify(out).includes(sha256Hex(PW)), 'a response shows a password hash');
    assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: out.ARN })).TagList, [{ Key: 'team', Value: 'app' }]);
    const nopass = await createUser('open', { Passwords: undefined, NoPasswordRequired: true });
    assert.deepEqual(nopass.Authentication, { Type: 'no-password' });
    const mode = await createUser('moded', { Passwords: undefined, AuthenticationMode: { Type: 'password', Passwords: [PW] } });
    assert.deepEqual(mode.Authentication, { Type: 'password', PasswordCount: 1 });
  });

  test('CreateUser refuses bad input with the model\'s codes and changes nothing', async () => {
    await createUser('taken');
    const cases: [string, object][] = [
      ['UserAlreadyExists', { UserId: 'TAKEN', UserName: 'other-name' }],
      ['UserAlreadyExists', { UserId: 'default', UserName: 'other-name' }],
      ['DuplicateUserName', { UserId: 'other', UserName: 'taken' }],
      [IVP, { UserId: '1bad' }],
      [IVP, { UserId: 'bad_id' }],
      [IVP, { UserId: 'bad--id' }],
      [IVP, { UserId: 'bad-' }],
      [IVP, { UserId: 'x'.repeat(41) }],
      [IVP, { UserId: 'spacey', UserName: 'has space' }],
      [IVP, { UserId: 'reserved', UserName: 'cachefleet-admin' }],
      [IVP, { Engine: 'memcached' }],
      [IVP, { Passwords: [] }],
      [IVP, { Passwords: [PW, PW2, 'Third-Password-0003'] }],
      [IVP, { Passwords: ['too-short'] }],
      [IVP, { Passwords: ['x'.repeat(129)] }],
      [IVP, { Passwords: undefined }],
      [IPC, { NoPasswordRequired: true }],
      [IPC, { Passwords: undefined, NoPasswordRequired: false }],
      [IPC, { AuthenticationMode: { Type: 'password', Passwords: [PW] } }],
      [IPC, { Passwords: undefined, AuthenticationMode: { Type: 'no-password-required', Passwords: [PW] } }],
      [IVP, { Passwords: undefined, AuthenticationMode: { Type: 'password' } }],
      [IVP, { Passwords: undefined, AuthenticationMode: { Type: 'iam' } }],
      [IVP, { AccessString: 'on ~* +@all >secret-password-in-rules' }],
      [IVP, { AccessString: 'on nopass ~* +@all' }],
      [IVP, { AccessString: 'reset on ~* +@all' }],
      [IVP, { AccessString: 'on ~* +@nosuchcategory' }],
      [IVP, { AccessString: 'on ~* +nosuchcommand' }],
      [IVP, { AccessString: 'on ~* +@all whatever' }],
      [IVP, { AccessString: '   ' }],
    ];
    for (const [code, extra] of cases) {
      await assertFaultChangesNothing(t.svc, () => createUser('new-user', extra), code);
    }
  });

  test('a user named default may exist beside the built-in one; other names are unique', async () => {
    await t.call(CreateUser, { UserId: 'my-default', UserName: 'default', Engine: 'redis', AccessString: 'off', NoPasswordRequired: true });
    assert.equal((await userDoc('my-default')).userName, 'default');
  });

  test('at most 1000 users (UserQuotaExceeded)', async () => {
    const users = await t.store.list('user');
    const ops = Array.from({ length: 1000 - users.length }, (_, i) => ({
      op: 'create' as const, kind: 'user' as const, id: `u${i}`, doc: { ...users[0]!.doc, userId: `u${i}`, userName: `u${i}`, builtIn: false },
    }));
    await t.store.commit(ops);
    await assertFaultChangesNothing(t.svc, () => createUser('one-more'), 'UserQuotaExceeded');
  });

  test('DescribeUsers: one, all, user-id filters, pages', async () => {
    for (let i = 0; i < 24; i++) await createUser(`user-${String(i).padStart(2, '0')}`);
    const first = await t.call(DescribeUsers, { MaxRecords: 20 });
    assert.equal(first.Users.length, 20);
    assert.equal(first.Users[0].UserId, 'default');
    const second = await t.call(DescribeUsers, { MaxRecords: 20, Marker: first.Marker });
    assert.equal(second.Users.length, 5);
    assert.equal(second.Marker, undefined);
    const filtered = await t.call(DescribeUsers, { Filters: [{ Name: 'user-id', Values: ['user-03', 'USER-07', 'nope'] }] });
    assert.deepEqual(filtered.Users.map((u: any) => u.UserId), ['user-03', 'user-07']);
    assert.equal((await t.call(DescribeUsers, { UserId: 'USER-01' })).Users[0].UserId, 'user-01');
    await assertFault(t.call(DescribeUsers, { UserId: 'nope' }), 'UserNotFound', 404);
    await assertFault(t.call(DescribeUsers, { Filters: [{ Name: 'user-name', Values: ['x'] }] }), IPC);
    await assertFault(t.call(DescribeUsers, { MaxRecords: 5 }), IVP);
  });

  test('ModifyUser: AccessString, AppendAccessString, Passwords, NoPasswordRequired, AuthenticationMode', async () => {
    await createUser('app-reader');
    let out = await t.call(ModifyUser, { UserId: 'app-reader', AccessString: 'on ~app::*  -@all +@read +@write' });
    assert.equal(out.AccessString, 'on ~app::* -@all +@read +@write');
    assert.equal(out.Status, 'active', 'a user on no node is modified at once');
    out = await t.call(ModifyUser, { UserId: 'app-reader', AppendAccessString: '-flushall ~other::*' });
    assert.equal(out.AccessString, 'on ~app::* -@all +@read +@write -flushall ~other::*');
    out = await t.call(ModifyUser, { UserId: 'app-reader', Passwords: [PW2, PW] });
    assert.deepEqual((await userDoc('app-reader')).authentication.passwordHashes, [sha256Hex(PW2), sha256Hex(PW)]);
    out = await t.call(ModifyUser, { UserId: 'app-reader', NoPasswordRequired: true });
    assert.deepEqual(out.Authentication, { Type: 'no-password' });
    out = await t.call(ModifyUser, { UserId: 'app-reader', AuthenticationMode: { Type: 'password', Passwords: [PW] } });
    assert.deepEqual(out.Authentication, { Type: 'password', PasswordCount: 1 });
    const events = await t.store.queryEvents({ sourceIdentifier: 'app-reader' });
    assert.ok(events.some((e) => /modified: AccessString/.test(e.message)));
    assert.ok(!JSON.stringify(events).includes(PW));
  });

  test('ModifyUser refuses bad input and changes nothing', async () => {
    await createUser('app-reader');
    const cases: [string, string, object][] = [
      ['default', IVP, { AccessString: 'off' }],
      ['nope', 'UserNotFound', { AccessString: 'off' }],
      ['app-reader', IPC, {}],
      ['app-reader', IPC, { AccessString: 'on', AppendAccessString: '+get' }],
      ['app-reader', IVP, { AccessString: 'on #abc' }],
      ['app-reader', IVP, { AppendAccessString: '+nosuchcommand' }],
      ['app-reader', IVP, { Passwords: ['short'] }],
      ['app-reader', IVP, { Passwords: [PW, PW2, 'Third-Password-0003'] }],
      ['app-reader', IPC, { Passwords: [PW], NoPasswordRequired: true }],
      ['app-reader', IPC, { NoPasswordRequired: false }],
      ['app-reader', IPC, { Passwords: [PW], AuthenticationMode: { Type: 'password', Passwords: [PW] } }],
      ['app-reader', IVP, { Engine: 'memcached', AccessString: 'off' }],
    ];
    for (const [id, code, extra] of cases) {
      await assertFaultChangesNothing(t.svc, () => t.call(ModifyUser, { UserId: id, ...extra }), code);
    }
  });

  test('DeleteUser: never the built-in default user, nor a default user a group holds; a user leaves its groups', async () => {
    await appUsers();
    await createUser('loner');
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUser, { UserId: 'default' }), IVP);
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUser, { UserId: 'my-default' }), 'DefaultUserAssociatedToUserGroup');
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUser, { UserId: 'nope' }), 'UserNotFound');

    const gone = await t.call(DeleteUser, { UserId: 'loner' });
    assert.equal(gone.Status, 'deleting');
    assert.equal(await t.store.get('user', 'loner'), undefined, 'a user on no node goes at once');

    await t.call(DeleteUser, { UserId: 'app-reader' });
    assert.equal(await t.store.get('user', 'app-reader'), undefined);
    assert.deepEqual((await ugDoc('app')).userIds, ['my-default']);
    assert.equal((await ugDoc('app')).status, 'active', 'a user group on no node is not modifying');
  });
});

describe('user groups', () => {
  test('CreateUserGroup: creating, then active; members know their groups', async () => {
    await createUser('app-reader');
    const out = await t.call(CreateUserGroup, { UserGroupId: 'App', Engine: 'redis', UserIds: ['default', 'app-reader'], Tags: [{ Key: 'k', Value: 'v' }] });
    assert.deepEqual(out, {
      UserGroupId: 'app', Status: 'creating', Engine: 'redis', UserIds: ['default', 'app-reader'], MinimumEngineVersion: '6.0',
      ReplicationGroups: [], ServerlessCaches: [], ARN: 'arn:aws:elasticache:us-east-1:123456789012:usergroup:app',
    });
    assert.deepEqual((await userDoc('app-reader')).userGroupIds, ['app']);
    assert.deepEqual((await userDoc('default')).userGroupIds, ['app']);
    await settle();
    assert.equal((await t.call(DescribeUserGroups, { UserGroupId: 'APP' })).UserGroups[0].Status, 'active');
    assert.equal((await t.call(DescribeUsers, { UserId: 'app-reader' })).Users[0].UserGroupIds[0], 'app');
    assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: out.ARN })).TagList, [{ Key: 'k', Value: 'v' }]);
  });

  test('CreateUserGroup refuses bad input and changes nothing', async () => {
    await createUser('app-reader');
    await t.call(CreateUser, { UserId: 'my-default', UserName: 'default', Engine: 'redis', AccessString: 'off', NoPasswordRequired: true });
    await t.call(CreateUserGroup, { UserGroupId: 'taken', Engine: 'redis', UserIds: ['default'] });
    const cases: [string, object][] = [
      ['DefaultUserRequired', { UserIds: ['app-reader'] }],
      ['DefaultUserRequired', {}],
      ['UserNotFound', { UserIds: ['default', 'nobody'] }],
      ['DuplicateUserName', { UserIds: ['default', 'my-default'] }],
      ['UserGroupAlreadyExists', { UserGroupId: 'TAKEN', UserIds: ['default'] }],
      [IVP, { UserGroupId: '9lives', UserIds: ['default'] }],
      [IVP, { UserGroupId: 'a--b', UserIds: ['default'] }],
      [IVP, { Engine: 'memcached', UserIds: ['default'] }],
      [IVP, { UserIds: ['default', 'DEFAULT'] }],
    ];
    for (const [code, extra] of cases) {
      await assertFaultChangesNothing(t.svc, () => t.call(CreateUserGroup, { UserGroupId: 'new-group', Engine: 'redis', ...extra }), code);
    }
    await assertFault(t.call(DescribeUserGroups, { UserGroupId: 'nope' }), 'UserGroupNotFound', 404);
  });

  test('ModifyUserGroup adds and removes users, swapping the default user', async () => {
    await appUsers();
    await createUser('app-writer', { AccessString: 'on ~app::* +@all' });
    const out = await t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['app-writer', 'default'], UserIdsToRemove: ['my-default'] });
    assert.deepEqual(out.UserIds, ['app-reader', 'app-writer', 'default']);
    assert.equal(out.Status, 'active');
    assert.deepEqual((await userDoc('my-default')).userGroupIds, []);
    assert.deepEqual((await userDoc('app-writer')).userGroupIds, ['app']);
  });

  test('ModifyUserGroup refuses bad input and changes nothing', async () => {
    await appUsers();
    await createUser('other');
    const cases: [string, object][] = [
      ['UserGroupNotFound', { UserGroupId: 'nope', UserIdsToAdd: ['other'] }],
      [IPC, {}],
      [IPC, { UserIdsToAdd: ['other'], UserIdsToRemove: ['other'] }],
      ['UserNotFound', { UserIdsToAdd: ['nobody'] }],
      ['DuplicateUserName', { UserIdsToAdd: ['default'] }],
      ['DefaultUserRequired', { UserIdsToRemove: ['my-default'] }],
      [IVP, { UserIdsToAdd: ['app-reader'] }],
      [IVP, { UserIdsToRemove: ['other'] }],
      [IVP, { UserIdsToAdd: ['other'], Engine: 'memcached' }],
    ];
    for (const [code, extra] of cases) {
      await assertFaultChangesNothing(t.svc, () => t.call(ModifyUserGroup, { UserGroupId: 'app', ...extra }), code);
    }
    await t.call(CreateUserGroup, { UserGroupId: 'fresh', Engine: 'redis', UserIds: ['default'] });
    await assertFaultChangesNothing(t.svc, () => t.call(ModifyUserGroup, { UserGroupId: 'fresh', UserIdsToAdd: ['other'] }), 'InvalidUserGroupState');
  });

  test('DeleteUserGroup: refused while a replication group uses it; its users stay', async () => {
    await rbacGroup();
    const err = await assertFaultChangesNothing(t.svc, () => t.call(DeleteUserGroup, { UserGroupId: 'app' }), 'InvalidUserGroupState');
    assert.match(err.message, /rbac-group/);
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUserGroup, { UserGroupId: 'nope' }), 'UserGroupNotFound');
    await t.call(ModifyReplicationGroup, { ReplicationGroupId: 'rbac-group', UserGroupIdsToRemove: ['app'], ApplyImmediately: true });
    const out = await t.call(DeleteUserGroup, { UserGroupId: 'app' });
    assert.equal(out.Status, 'deleting');
    assert.equal(await t.store.get('userGroup', 'app'), undefined);
    assert.deepEqual((await userDoc('app-reader')).userGroupIds, []);
  });
});

describe('user groups on replication groups', () => {
  test('CreateReplicationGroup --user-group-ids: shown on both sides, the nodes get the group\'s ACL', async () => {
    await rbacGroup();
    const g = await describeGroup('rbac-group');
    assert.deepEqual(g.UserGroupIds, ['app']);
    assert.equal(g.AuthTokenEnabled, false);
    assert.deepEqual((await t.call(DescribeUserGroups, { UserGroupId: 'app' })).UserGroups[0].ReplicationGroups, ['rbac-group']);
    const cluster = (await t.store.get('cacheCluster', 'rbac-group-001'))!.doc;
    const acl = await loadNodeAcl(t.store, cluster);
    assert.deepEqual(acl.users.map((u) => [u.name, u.rules.join(' ')]), [
      ['default', `reset off #${sha256Hex(PW2)}`],
      ['app-reader', `reset on ~app::* -@all +@read #${sha256Hex(PW)}`],
    ]);
  });

  test('CreateReplicationGroup refuses user groups without TLS, with an AUTH token, unknown or not active, and changes nothing', async () => {
    await appUsers();
    await t.call(CreateUserGroup, { UserGroupId: 'fresh', Engine: 'redis', UserIds: ['default'] });
    const create = (extra: object) => t.call(CreateReplicationGroup, {
      ReplicationGroupId: 'g', ReplicationGroupDescription: 'd', NumCacheClusters: 2, TransitEncryptionEnabled: true, ...extra });
    const cases: [string, object][] = [
      [IPC, { TransitEncryptionEnabled: false, UserGroupIds: ['app'] }],
      [IPC, { UserGroupIds: ['app'], AuthToken: 'YourStrongAuthToken123!' }],
      ['UserGroupNotFound', { UserGroupIds: ['nope'] }],
      ['InvalidUserGroupState', { UserGroupIds: ['fresh'] }],
      [IVP, { UserGroupIds: ['app', 'fresh'] }],
    ];
    for (const [code, extra] of cases) await assertFaultChangesNothing(t.svc, () => create(extra), code);
  });

  test('ModifyReplicationGroup: from an AUTH token to RBAC (DELETE + UserGroupIdsToAdd) and back (RemoveUserGroups + ROTATE)', async () => {
    await appUsers();
    await t.call(CreateReplicationGroup, {
      ReplicationGroupId: 'tokened', ReplicationGroupDescription: 'd', NumCacheClusters: 2, TransitEncryptionEnabled: true, AuthToken: 'YourStrongAuthToken123!',
    });
    await t.call(CreateReplicationGroup, { ReplicationGroupId: 'plain', ReplicationGroupDescription: 'd', NumCacheClusters: 2 });
    await nodesApplyAcls();
    await markGroupsAvailable();
    const modify = (extra: object) => t.call(ModifyReplicationGroup, { ReplicationGroupId: 'tokened', ApplyImmediately: true, ...extra });
    await assertFaultChangesNothing(t.svc, () => modify({ UserGroupIdsToAdd: ['app'] }), IPC);
    await assertFaultChangesNothing(t.svc, () => modify({ AuthTokenUpdateStrategy: 'DELETE' }), IVP);
    await assertFaultChangesNothing(t.svc, () => modify({ UserGroupIdsToAdd: ['app'], AuthTokenUpdateStrategy: 'DELETE', AuthToken: 'YourStrongAuthToken123!' }), IPC);
    await assertFaultChangesNothing(t.svc, () => modify({ UserGroupIdsToAdd: ['nope'], AuthTokenUpdateStrategy: 'DELETE' }), 'UserGroupNotFound');
    await assertFaultChangesNothing(t.svc, () => modify({ UserGroupIdsToRemove: ['app'] }), IVP);
    await assertFaultChangesNothing(t.svc,
      () => t.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', UserGroupIdsToAdd: ['app'], ApplyImmediately: true }), IPC);

    const moved = (await modify({ UserGroupIdsToAdd: ['app'], AuthTokenUpdateStrategy: 'DELETE' })).ReplicationGroup;
    assert.equal(moved.Status, 'modifying');
    assert.equal(moved.AuthTokenEnabled, false);
    assert.deepEqual(moved.PendingModifiedValues.UserGroups, { UserGroupIdsToAdd: ['app'], UserGroupIdsToRemove: [] });
    assert.equal(moved.UserGroupIds, undefined, 'not in force before the nodes have it');
    assert.deepEqual((await ugDoc('app')).replicationGroups, ['tokened']);

    // Not done until every node runs the new ACL.
    assert.equal(await settle(), true);
    assert.ok((await rgDoc('tokened')).pending.userGroups);
    await nodesApplyAcls();
    assert.equal(await settle(), false);
    assert.equal((await rgDoc('tokened')).pending.userGroups, undefined);
    await markGroupsAvailable();
    const g = await describeGroup('tokened');
    assert.deepEqual(g.UserGroupIds, ['app']);
    assert.equal(g.PendingModifiedValues.UserGroups, undefined);
    const events = await t.store.queryEvents({ sourceIdentifier: 'tokened' });
    assert.ok(events.some((e) => /applied on every node/.test(e.message)), JSON.stringify(events));

    // A group with user groups takes no AUTH token unless they go in the same call.
    await assertFaultChangesNothing(t.svc, () => modify({ AuthToken: 'Another-Strong-Token-456', AuthTokenUpdateStrategy: 'ROTATE' }), IPC);
    const back = (await modify({ RemoveUserGroups: true, AuthToken: 'Another-Strong-Token-456', AuthTokenUpdateStrategy: 'ROTATE' })).ReplicationGroup;
    assert.equal(back.AuthTokenEnabled, true);
    assert.deepEqual(back.PendingModifiedValues.UserGroups, { UserGroupIdsToAdd: [], UserGroupIdsToRemove: ['app'] });
    assert.deepEqual((await ugDoc('app')).replicationGroups, []);
    await nodesApplyAcls();
    await settle();
    assert.equal((await rgDoc('tokened')).userGroupIds?.length, 0);
  });

  test('a change to a deployed user or user group is modifying until every node has it', async () => {
    await rbacGroup();
    await createUser('app-writer', { AccessString: 'on ~app::* +@all' });
    const modified = await t.call(ModifyUser, { UserId: 'app-reader', AccessString: 'on ~app::* -@all +@read +@write' });
    assert.equal(modified.Status, 'modifying');
    await assertFaultChangesNothing(t.svc, () => t.call(ModifyUser, { UserId: 'app-reader', AccessString: 'off' }), 'InvalidUserState');
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUser, { UserId: 'app-reader' }), 'InvalidUserState');
    const ug = await t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['app-writer'] });
    assert.equal(ug.Status, 'modifying');
    assert.deepEqual(ug.PendingChanges, { UserIdsToAdd: ['app-writer'], UserIdsToRemove: [] });
    await assertFaultChangesNothing(t.svc, () => t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToRemove: ['app-writer'] }), 'InvalidUserGroupState');
    await assertFaultChangesNothing(t.svc,
      () => t.call(CreateReplicationGroup, { ReplicationGroupId: 'g2', ReplicationGroupDescription: 'd', TransitEncryptionEnabled: true, UserGroupIds: ['app'] }),
      'InvalidUserGroupState');

    assert.equal(await settle(), true);
    assert.equal((await userDoc('app-reader')).status, 'modifying');
    await nodesApplyAcls();
    assert.equal(await settle(), false);
    assert.equal((await userDoc('app-reader')).status, 'active');
    const group = await ugDoc('app');
    assert.equal(group.status, 'active');
    assert.equal(group.pending, undefined);

    // A deployed user being deleted is kept until no node has it.
    const gone = await t.call(DeleteUser, { UserId: 'app-writer' });
    assert.equal(gone.Status, 'deleting');
    assert.equal((await userDoc('app-writer')).status, 'deleting');
    assert.deepEqual((await ugDoc('app')).pending, { userIdsToAdd: [], userIdsToRemove: ['app-writer'] });
    await createUser('app-writer-2');
    await assertFault(t.call(CreateUser, { UserId: 'app-writer', UserName: 'x', Engine: 'redis', AccessString: 'off', NoPasswordRequired: true }), 'UserAlreadyExists');
    await settle();
    assert.ok(await t.store.get('user', 'app-writer'));
    await nodesApplyAcls();
    await settle();
    assert.equal(await t.store.get('user', 'app-writer'), undefined);
  });

  test('a deleted replication group no longer holds its user group', async () => {
    await rbacGroup();
    await t.call(DeleteReplicationGroup, { ReplicationGroupId: 'rbac-group' });
    await assertFaultChangesNothing(t.svc, () => t.call(DeleteUserGroup, { UserGroupId: 'app' }), 'InvalidUserGroupState');
    // The reconciler's last step, once the members are gone.
    for (const c of await t.store.list('cacheCluster')) await t.store.commit([{ op: 'delete', kind: 'cacheCluster', id: c.id }]);
    const d = { store: t.store, events: t.svc.events } as unknown as ReconcilerDeps;
    assert.equal(await deleteGroup(d, (await t.store.get('replicationGroup', 'rbac-group'))!, new Map()), false);
    assert.equal(await t.store.get('replicationGroup', 'rbac-group'), undefined);
    assert.deepEqual((await ugDoc('app')).replicationGroups, []);
    await t.call(DeleteUserGroup, { UserGroupId: 'app' });
  });
});
