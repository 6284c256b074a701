/**
 * Role-based access control through the API: user groups, and user groups attached to replication groups (the way from an AUTH token to RBAC and back),
 * with the model's error codes (every failed call changes nothing), passwords kept only as SHA-256.
 * Statuses that follow the nodes are driven by the reconciler's RBAC controller over records.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import CreateUser from './CreateUser.js';
import CreateUserGroup from './CreateUserGroup.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserGroup from './DeleteUserGroup.js';
import DescribeUserGroups from './DescribeUserGroups.js';
import DescribeUsers from './DescribeUsers.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import ModifyUser from './ModifyUser.js';
import ModifyUserGroup from './ModifyUserGroup.js';
import { assertFault, assertFaultChangesNothing } from './test-services.js';
import { clusterDelete, getGroup, listClusters } from '../../store/index.js';
import { loadNodeAcl } from '../../reconciler/acl.js';
import { RESTRICTION_RULES } from '../../security/restricted-commands.js';
import { deleteGroup } from '../../reconciler/group-delete.js';
import type { ReconcilerDeps } from '../../reconciler/deps.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import { sha256Hex } from '../../security/auth-token.js';
import { t, useRbacServices, IPC, IVP, PW, PW2, appUsers, createUser, describeGroup, markGroupsAvailable, nodesApplyAcls, rbacGroup, rgDoc, settle, ugDoc, userDoc } from './rbac-fixtures.js';

useRbacServices();

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
      ['default', `reset off #${sha256Hex(PW2)} ${RESTRICTION_RULES.join(' ')}`],
      ['app-reader', `reset on ~app::* -@all +@read #${sha256Hex(PW)} ${RESTRICTION_RULES.join(' ')}`],
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
    for (const c of await listClusters(t.store)) await t.store.commit(clusterDelete(c));
    const d = { store: t.store, events: t.svc.events } as unknown as ReconcilerDeps;
    assert.equal(await deleteGroup(d, (await getGroup(t.store, 'rbac-group'))!, new Map()), false);
    assert.equal(await t.store.get('replicationGroup', 'rbac-group'), undefined);
    assert.deepEqual((await ugDoc('app')).replicationGroups, []);
    await t.call(DeleteUserGroup, { UserGroupId: 'app' });
  });
});
