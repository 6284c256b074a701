/**
 * Role-based access control through the API: users (CreateUser, DescribeUsers, ModifyUser, DeleteUser) and the built-in default user,
 * with the model's error codes (every failed call changes nothing), passwords kept only as SHA-256.
 * Statuses that follow the nodes are driven by the reconciler's RBAC controller over records.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import CreateUser from './CreateUser.js';
import DeleteUser from './DeleteUser.js';
import DescribeUsers from './DescribeUsers.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyUser from './ModifyUser.js';
import { rbacActions } from './registry-rbac.js';
import { assertFault, assertFaultChangesNothing, storeSnapshot } from './test-services.js';
import { getOperation } from '../codec/model.js';
import { ensureBuiltIns } from '../../resources/built-ins.js';
import { sha256Hex } from '../../security/auth-token.js';
import { t, useRbacServices, IPC, IVP, PW, PW2, appUsers, createUser, ugDoc, userDoc } from './rbac-fixtures.js';

useRbacServices();

test('the actions are operations of the model, and the built-in default user exists from the start', async () => {
  const names = rbacActions.map((f) => f(t.svc).name);
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

  test('AuthenticationMode beside the NoPasswordRequired Terraform always sends (false unless set) is accepted', async () => {
    const tf = { Passwords: undefined, NoPasswordRequired: false };
    const pw = await createUser('tf-password', { ...tf, AuthenticationMode: { Type: 'password', Passwords: [PW] } });
    assert.deepEqual(pw.Authentication, { Type: 'password', PasswordCount: 1 });
    const open = await createUser('tf-open', { ...tf, AuthenticationMode: { Type: 'no-password-required' } });
    assert.deepEqual(open.Authentication, { Type: 'no-password' });
    const agreeing = await createUser('tf-open-too', { Passwords: undefined, NoPasswordRequired: true, AuthenticationMode: { Type: 'no-password-required' } });
    assert.deepEqual(agreeing.Authentication, { Type: 'no-password' });
    const modified = await t.call(ModifyUser, { UserId: 'tf-open', NoPasswordRequired: false, AuthenticationMode: { Type: 'password', Passwords: [PW2] } });
    assert.deepEqual(modified.Authentication, { Type: 'password', PasswordCount: 1 });
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
      [IPC, { Passwords: undefined, AuthenticationMode: { Type: 'password' } }],
      [IPC, { Passwords: undefined, NoPasswordRequired: false, AuthenticationMode: { Type: 'password', Passwords: [] } }],
      [IPC, { Passwords: undefined, NoPasswordRequired: true, AuthenticationMode: { Type: 'password', Passwords: [PW] } }],
      [IVP, { UserName: 'not-the-id', Passwords: undefined, AuthenticationMode: { Type: 'iam' } }],
      [IPC, { Passwords: undefined, AuthenticationMode: { Type: 'iam', Passwords: [PW] } }],
      [IPC, { Passwords: undefined, NoPasswordRequired: true, AuthenticationMode: { Type: 'iam' } }],
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

  test('IAM users (AuthenticationMode Type iam): UserName = UserId, a node secret the API never shows', async () => {
    const out = await t.call(CreateUser, {
      UserId: 'iam-app', UserName: 'iam-app', Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
    });
    assert.deepEqual(out.Authentication, { Type: 'iam' });
    const auth = (await userDoc('iam-app')).authentication;
    assert.equal(auth.type, 'iam');
    assert.match(auth.nodeSecret ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(auth.passwordHashes, [sha256Hex(auth.nodeSecret!)], 'the nodes know it by its hash, as any password');
    assert.ok(!JSON.stringify(await t.call(DescribeUsers, { UserId: 'iam-app' })).includes(auth.nodeSecret!));
    // Type iam again changes nothing (the gateway's logins go on with the same secret).
    await t.call(ModifyUser, { UserId: 'iam-app', AuthenticationMode: { Type: 'iam' } });
    assert.deepEqual((await userDoc('iam-app')).authentication, auth);
    // From password to iam: only a user whose name is its id; and back to password.
    await createUser('pw-user');
    assert.equal((await t.call(ModifyUser, { UserId: 'pw-user', AuthenticationMode: { Type: 'iam' } })).Authentication.Type, 'iam');
    await t.call(ModifyUser, { UserId: 'pw-user', AuthenticationMode: { Type: 'password', Passwords: [PW] } });
    assert.equal((await userDoc('pw-user')).authentication.nodeSecret, undefined);
    await t.call(CreateUser, { UserId: 'named', UserName: 'other-name', Engine: 'redis', AccessString: 'on', Passwords: [PW] });
    await assertFaultChangesNothing(t.svc, () => t.call(ModifyUser, { UserId: 'named', AuthenticationMode: { Type: 'iam' } }), IVP);
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
      ['app-reader', IPC, { NoPasswordRequired: true, AuthenticationMode: { Type: 'password', Passwords: [PW] } }],
      ['app-reader', IPC, { AuthenticationMode: { Type: 'password' } }],
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
