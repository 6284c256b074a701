import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { createUserGroupParams, createUserParams, EMPTY_USER, modifyUserGroupParams, modifyUserParams } from './rbac.js';

const decode = (action: string, p: Record<string, string>) => decodeInput(action, Object.entries(p));

test("the user requests decode with the API's own Query decoder: passwords or no password", () => {
  assert.deepEqual(decode('CreateUser', createUserParams({ ...EMPTY_USER, userId: 'app', passwords: 'first-password-0123\n\nsecond-password-0123\n' })), {
    UserId: 'app', UserName: 'app', Engine: 'redis', AccessString: 'on ~* +@all', Passwords: ['first-password-0123', 'second-password-0123'],
  });
  assert.deepEqual(decode('CreateUser', createUserParams({ ...EMPTY_USER, userId: 'ro', userName: 'reader', passwords: 'ignored', noPassword: true })),
    { UserId: 'ro', UserName: 'reader', Engine: 'redis', AccessString: 'on ~* +@all', NoPasswordRequired: true });
  assert.deepEqual(decode('ModifyUser', modifyUserParams({ ...EMPTY_USER, userId: 'app', accessString: 'on ~app:* +@read' })),
    { UserId: 'app', AccessString: 'on ~app:* +@read' }, 'no password typed: the passwords stay');
});

test('a user group edit sends only the users to add and to remove', () => {
  assert.deepEqual(decode('CreateUserGroup', createUserGroupParams('g', 'redis', ['default', 'app'])),
    { UserGroupId: 'g', Engine: 'redis', UserIds: ['default', 'app'] });
  assert.deepEqual(decode('ModifyUserGroup', modifyUserGroupParams('g', ['default', 'app'], ['default', 'ro'])),
    { UserGroupId: 'g', UserIdsToAdd: ['ro'], UserIdsToRemove: ['app'] });
  assert.deepEqual(modifyUserGroupParams('g', ['a'], ['a']), { UserGroupId: 'g' });
});
