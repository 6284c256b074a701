/**
 * RBAC API writes racing the reconciler or another request, on the real SQLite store. The RBAC
 * controller writes only the status halves of users and user groups (the generation it saw live),
 * which API writes never touch: its write between an action's read and its commit neither makes
 * the action retry nor is lost. Another request's write in between is never overwritten (the
 * action runs again on top of it), and a race the action cannot win is the state fault, never a
 * 500. The race is made deterministic by a store that runs the other writer just before a commit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import CreateUserGroup from './CreateUserGroup.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserGroup from './DeleteUserGroup.js';
import ModifyUser from './ModifyUser.js';
import ModifyUserGroup from './ModifyUserGroup.js';
import { callWithStore, racing } from './racing-store.js';
import { assertFault } from './test-services.js';
import { t, useRbacServices, appUsers, createUser, nodesApplyAcls, rbacGroup, settle, ugDoc, userDoc } from './rbac-fixtures.js';
import { CONFLICT_ATTEMPTS } from '../../resources/commit.js';
import type { ActionFactory } from './define.js';
import type { StateStore } from '../../store/index.js';
import { RbacController } from '../../reconciler/rbac-controller.js';
import { silentLogger } from '../../util/logger.js';

useRbacServices();

const callOn = (store: StateStore, action: ActionFactory, input: object) => callWithStore(t.svc, store, action, input);

test('a user\'s status write by the reconciler between an action\'s read and its commit: no retry, both kept', async () => {
  await rbacGroup();
  await t.call(ModifyUser, { UserId: 'app-reader', AccessString: 'on ~app::* -@all +@read +@write' });
  assert.equal((await userDoc('app-reader')).status, 'modifying');
  await nodesApplyAcls();
  // CreateUserGroup writes app-reader's spec (its userGroupIds) while the reconciler marks the user's change done.
  const r = racing(t.store, async (n) => { if (n === 1) assert.equal(await settle(), false); });
  await callOn(r.store, CreateUserGroup, { UserGroupId: 'other', Engine: 'redis', UserIds: ['default', 'app-reader'] });
  assert.equal(r.commits(), 1, 'a status write does not conflict with a spec write');
  const u = await userDoc('app-reader');
  assert.deepEqual([u.status, u.observedGeneration, u.userGroupIds], ['active', 1, ['app', 'other']]);
});

test('a user group\'s first status write (creating → active) racing DeleteUser on it: no retry, both kept', async () => {
  await appUsers();
  await createUser('loner');
  await t.call(CreateUserGroup, { UserGroupId: 'ug2', Engine: 'redis', UserIds: ['default', 'loner'] });
  assert.equal((await ugDoc('ug2')).status, 'creating');
  const r = racing(t.store, async (n) => { if (n === 1) await settle(); });
  await callOn(r.store, DeleteUser, { UserId: 'loner' });
  assert.equal(r.commits(), 1);
  const ug = await ugDoc('ug2');
  assert.deepEqual([ug.status, ug.userIds], ['active', ['default']]);
  assert.equal(await t.store.get('user', 'loner'), undefined);
});

test('the reconciler\'s status write racing an API change of what it observed: it lands, and the new change stays to be observed', async () => {
  await rbacGroup();
  await createUser('u1');
  await t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['u1'] });
  await nodesApplyAcls();
  // The controller has read the group's change live; before it records that, app-reader (a member) is modified.
  const r = racing(t.store, async (_n, ops) => {
    if (ops.some((op) => op.kind === 'userGroupStatus')) await t.call(ModifyUser, { UserId: 'app-reader', AccessString: 'on ~app::* -@all +@read +@write' });
  });
  const controller = new RbacController({ store: r.store, events: t.svc.events, logger: silentLogger });
  await controller.reconcile();
  const ug = await ugDoc('app');
  assert.deepEqual([ug.status, ug.observedGeneration], ['active', 1], 'the group\'s own change was seen live: recorded, not retried');
  assert.equal((await userDoc('app-reader')).status, 'modifying', 'the user\'s new change is not taken as seen');
  assert.equal(await controller.reconcile(), true, 'not live yet');
  await nodesApplyAcls();
  await controller.reconcile();
  assert.equal((await userDoc('app-reader')).status, 'active');
});

test('a DeleteUserGroup between the reconciler\'s read and its first status write of the group leaves no status behind', async () => {
  await appUsers();
  await t.call(CreateUserGroup, { UserGroupId: 'short-lived', Engine: 'redis', UserIds: ['default'] });
  const r = racing(t.store, async (_n, ops) => {
    if (ops.some((op) => op.kind === 'userGroupStatus' && op.op === 'create')) await t.call(DeleteUserGroup, { UserGroupId: 'short-lived' });
  });
  await new RbacController({ store: r.store, events: t.svc.events, logger: silentLogger }).reconcile();
  assert.equal(await t.store.get('userGroup', 'short-lived'), undefined);
  assert.equal(await t.store.get('userGroupStatus', 'short-lived'), undefined, 'the orphaned status was removed in the same pass');
  await t.call(CreateUserGroup, { UserGroupId: 'short-lived', Engine: 'redis', UserIds: ['default'] });
  assert.equal((await ugDoc('short-lived')).status, 'creating', 'a new group of the same id starts afresh');
});

test('two ModifyUserGroup calls racing on one group: the loser runs again on top, both changes kept', async () => {
  await appUsers();
  await createUser('u1');
  await createUser('u2');
  const r = racing(t.store, async (n) => { if (n === 1) await t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['u2'] }); });
  await callOn(r.store, ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['u1'] });
  assert.equal(r.commits(), 2, 'the action ran again after losing the race');
  assert.deepEqual((await ugDoc('app')).userIds, ['my-default', 'app-reader', 'u2', 'u1']);
  assert.deepEqual([(await userDoc('u1')).userGroupIds, (await userDoc('u2')).userGroupIds], [['app'], ['app']]);
});

test('a ModifyUserGroup whose group another request made modifying meanwhile: the state fault, nothing of it written', async () => {
  await rbacGroup();
  await createUser('u1');
  await createUser('u2');
  const r = racing(t.store, async (n) => { if (n === 1) await t.call(ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['u2'] }); });
  await assertFault(callOn(r.store, ModifyUserGroup, { UserGroupId: 'app', UserIdsToAdd: ['u1'] }), 'InvalidUserGroupState', 400);
  assert.deepEqual((await ugDoc('app')).userIds, ['my-default', 'app-reader', 'u2']);
  assert.deepEqual((await userDoc('u1')).userGroupIds, []);
});

test('a race lost on every attempt ends in the state fault (400), never a 500', async () => {
  await appUsers();
  await createUser('u1');
  let n = 0;
  const r = racing(t.store, async () => {
    // Another request changes app-reader's spec before every commit (a user the action writes too).
    const u = (await t.store.get('user', 'app-reader'))!;
    await t.store.commit([{ op: 'update', kind: 'user', id: 'app-reader', doc: { ...u.doc, createdAt: `t${++n}` }, expectVersion: u.version }]);
  });
  await assertFault(callOn(r.store, DeleteUser, { UserId: 'app-reader' }), 'InvalidUserState', 400);
  assert.equal(r.commits(), CONFLICT_ATTEMPTS);
  assert.ok(await t.store.get('user', 'app-reader'), 'nothing of the action was written');
});
