// The resource pages' API errors land beside the field they are about: checked with the errors the
// service's own validators throw (their codes and messages), not with made-up text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../src/errors/index.js';
import { validateSubnetIds } from '../../src/resources/subnet-groups.js';
import { normalizeSubnetGroupName } from '../../src/resources/naming.js';
import { normalizeAccessString, normalizeRbacId, resolveAuthentication } from '../../src/resources/users.js';
import { checkGroupName } from '../../src/api/ec2/validate.js';
import { fieldOfSnapshotError } from './snapshots.js';
import { SUBNET_GROUP_FIELDS } from './subnet-groups.js';
import { USER_FIELDS } from './rbac.js';
import { SECURITY_GROUP_FIELDS } from './security-groups.js';

/** The field `fields` puts the error `f()` throws beside. */
function fieldOfThrown<F extends string>(fields: Record<F, string[]>, f: () => unknown): F | undefined {
  try {
    f();
  } catch (e) {
    assert.ok(isAwsError(e), String(e));
    return fieldOfSnapshotError(fields, e.message, e.code);
  }
  assert.fail('the validator accepted the input');
}

test("subnet group errors: a bad subnet beside Subnet IDs, a bad name beside the name", () => {
  assert.equal(fieldOfThrown(SUBNET_GROUP_FIELDS, () => validateSubnetIds(['subnet-a', 'bad/subnet'])), 'subnets');
  assert.equal(fieldOfThrown(SUBNET_GROUP_FIELDS, () => validateSubnetIds([])), 'subnets');
  assert.equal(fieldOfThrown(SUBNET_GROUP_FIELDS, () => normalizeSubnetGroupName('web/tier')), 'name');
});

test('user errors: the ID, the access string and the passwords each beside their field', () => {
  assert.equal(fieldOfThrown(USER_FIELDS, () => normalizeRbacId('UserId', '1bad')), 'userId');
  assert.equal(fieldOfThrown(USER_FIELDS, () => normalizeAccessString('on ~* +@nosuchcategory')), 'accessString');
  assert.equal(fieldOfThrown(USER_FIELDS, () => resolveAuthentication({ Passwords: ['short'] })), 'passwords');
  assert.equal(fieldOfThrown(USER_FIELDS, () => resolveAuthentication({ Passwords: ['a-password-long-enough-1'], NoPasswordRequired: true })), 'passwords');
});

test("security group errors: a reserved or bad name beside the name", () => {
  assert.equal(fieldOfThrown(SECURITY_GROUP_FIELDS, () => checkGroupName('')), 'name');
});
