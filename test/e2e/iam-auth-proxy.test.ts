/**
 * IAM logins without kernel NAT (`--router proxy`, as on a host without nftables): the nodes check
 * IAM logins themselves (the IAM auth module), so a token logs in at the primary endpoint (the
 * proxy process's, which passes bytes to the node) and at the node's own endpoint alike; a bad
 * token is refused at both (WRONGPASS) and a password user logs in as usual.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCleanup } from '../helpers/cleanup.js';
import { startIamGroup, type IamGroup } from '../helpers/iam-group.js';
import { jsToken } from '../helpers/iam-token.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-proxy';
const IAM_USER = 'iam-px';
const PW_USER = 'pw-px';
const PW = 'Proxy-Password-User-0001';

describe('IAM logins with the userspace proxy router (no kernel NAT)', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let t: IamGroup;

  before(async () => {
    t = await startIamGroup(cleanup, {
      group: GROUP, description: 'IAM auth, proxy router', iamUser: IAM_USER, pwUser: PW_USER, pw: PW, userGroupId: 'iam-px-users',
      iamUserInGroup: true, numCacheClusters: 1, nodeMember: 0, serviceArgs: ['--router', 'proxy'],
    });
  });

  test('a token logs in at the primary endpoint and at the node endpoint; a bad one is refused at both; passwords work', async () => {
    // The admin key is the account root: always allowed to connect.
    const token = await jsToken(t.svc.credentials, GROUP, IAM_USER);
    const forged = token.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    for (const at of [t.primary, t.node]) {
      await waitFor(async () => (await t.cli(at, IAM_USER, token, 'PING')) === 'PONG', { timeoutMs: 20_000, what: `an IAM login at ${at.host}:${at.port}` });
      assert.equal(await t.cli(at, IAM_USER, token, 'ACL', 'WHOAMI'), IAM_USER);
      assert.match(await t.cli(at, IAM_USER, forged, 'PING'), /WRONGPASS/, `a forged token at ${at.host}:${at.port}`);
      assert.equal(await t.cli(at, PW_USER, PW, 'PING'), 'PONG', `a password login at ${at.host}:${at.port}`);
    }
  });
});
