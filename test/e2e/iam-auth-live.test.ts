/**
 * A running group gains its first IAM user (ModifyUserGroup): its nodes load the IAM auth module
 * live (MODULE LOAD by the service's user) and take the user's tokens, without a restart; losing
 * the user again, they refuse its tokens (the module stays loaded, with no users) while password
 * users log in throughout.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ModifyUserGroupCommand } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startIamGroup, type IamGroup } from '../helpers/iam-group.js';
import { jsToken } from '../helpers/iam-token.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-live';
const IAM_USER = 'iam-lv';
const PW_USER = 'pw-lv';
const PW = 'Live-Password-User-0001';

describe('IAM users added to and removed from a running group', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let t: IamGroup;

  before(async () => {
    t = await startIamGroup(cleanup, {
      group: GROUP, description: 'IAM users added live', iamUser: IAM_USER, pwUser: PW_USER, pw: PW, userGroupId: 'iam-lv-users',
      iamUserInGroup: false, numCacheClusters: 2, nodeMember: 1,
    });
  });

  test('adding the IAM user loads the module live; removing it makes its tokens refused; passwords work throughout', async () => {
    const token = await jsToken(t.svc.credentials, GROUP, IAM_USER);
    assert.match(await t.cli(t.primary, IAM_USER, token, 'PING'), /WRONGPASS/, 'no such user yet');
    await t.svc.client.send(new ModifyUserGroupCommand({ UserGroupId: 'iam-lv-users', UserIdsToAdd: [IAM_USER] }));
    for (const at of [t.primary, t.node]) {
      await waitFor(async () => (await t.cli(at, IAM_USER, token, 'PING')) === 'PONG', { timeoutMs: 30_000, what: `an IAM login at ${at.host}:${at.port}` });
      assert.equal(await t.cli(at, PW_USER, PW, 'PING'), 'PONG');
    }
    await t.svc.client.send(new ModifyUserGroupCommand({ UserGroupId: 'iam-lv-users', UserIdsToRemove: [IAM_USER] }));
    for (const at of [t.primary, t.node]) {
      await waitFor(async () => /WRONGPASS/.test(await t.cli(at, IAM_USER, token, 'PING')), { timeoutMs: 30_000, what: `IAM logins refused at ${at.host}:${at.port}` });
      assert.equal(await t.cli(at, PW_USER, PW, 'PING'), 'PONG');
    }
  });
});
