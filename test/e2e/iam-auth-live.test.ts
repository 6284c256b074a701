/**
 * A running group gains its first IAM user (ModifyUserGroup): its nodes load the IAM auth module
 * live (MODULE LOAD by the service's user) and take the user's tokens, without a restart; losing
 * the user again, they refuse its tokens (the module stays loaded, with no users) while password
 * users log in throughout.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand, ModifyUserGroupCommand,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, writeClientCa, type TestService } from '../helpers/service.js';
import { run } from '../helpers/e2e-exec.js';
import { endpoint, waitAvailable, waitUserGroupsActive } from '../helpers/groups.js';
import { jsToken } from '../helpers/iam-token.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-live';
const IAM_USER = 'iam-lv';
const PW_USER = 'pw-lv';
const PW = 'Live-Password-User-0001';

interface At { host: string; port: number }

describe('IAM users added to and removed from a running group', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let primary: At;
  let node: At;

  const cli = async (at: At, user: string, password: string, ...args: string[]): Promise<string> => {
    const r = await run('redis-cli', ['--tls', '--cacert', caFile, '-h', at.host, '-p', String(at.port), '--no-auth-warning',
      '--user', user, '--pass', password, ...args], { timeoutMs: 10_000 });
    return `${r.stdout}${r.stderr}`.trim();
  };

  before(async () => {
    svc = await startService(cleanup);
    ({ caFile } = await writeClientCa(svc));
    await svc.client.send(new CreateUserCommand({
      UserId: IAM_USER, UserName: IAM_USER, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
    }));
    await svc.client.send(new CreateUserCommand({ UserId: PW_USER, UserName: PW_USER, Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [PW] }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: 'iam-lv-users', Engine: 'redis', UserIds: ['default', PW_USER] }));
    await waitUserGroupsActive(svc.client, ['iam-lv-users']);
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'IAM users added live', NumCacheClusters: 2,
      TransitEncryptionEnabled: true, UserGroupIds: ['iam-lv-users'],
    }));
    const g = await waitAvailable(svc.client, GROUP, 60_000);
    primary = endpoint(g, 'PrimaryEndpoint');
    const c = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: g.MemberClusters![1]!, ShowCacheNodeInfo: true }))).CacheClusters![0]!;
    node = { host: c.CacheNodes![0]!.Endpoint!.Address!, port: c.CacheNodes![0]!.Endpoint!.Port! };
  });

  test('adding the IAM user loads the module live; removing it makes its tokens refused; passwords work throughout', async () => {
    const token = await jsToken(svc.credentials, GROUP, IAM_USER);
    assert.match(await cli(primary, IAM_USER, token, 'PING'), /WRONGPASS/, 'no such user yet');
    await svc.client.send(new ModifyUserGroupCommand({ UserGroupId: 'iam-lv-users', UserIdsToAdd: [IAM_USER] }));
    for (const at of [primary, node]) {
      await waitFor(async () => (await cli(at, IAM_USER, token, 'PING')) === 'PONG', { timeoutMs: 30_000, what: `an IAM login at ${at.host}:${at.port}` });
      assert.equal(await cli(at, PW_USER, PW, 'PING'), 'PONG');
    }
    await svc.client.send(new ModifyUserGroupCommand({ UserGroupId: 'iam-lv-users', UserIdsToRemove: [IAM_USER] }));
    for (const at of [primary, node]) {
      await waitFor(async () => /WRONGPASS/.test(await cli(at, IAM_USER, token, 'PING')), { timeoutMs: 30_000, what: `IAM logins refused at ${at.host}:${at.port}` });
      assert.equal(await cli(at, PW_USER, PW, 'PING'), 'PONG');
    }
  });
});
