/**
 * IAM logins without kernel NAT (`--router proxy`, as on a host without nftables): the nodes check
 * IAM logins themselves (the IAM auth module), so a token logs in at the primary endpoint (the
 * proxy process's, which passes bytes to the node) and at the node's own endpoint alike; a bad
 * token is refused at both (WRONGPASS) and a password user logs in as usual.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, writeClientCa, type TestService } from '../helpers/service.js';
import { run } from '../helpers/e2e-exec.js';
import { endpoint, waitAvailable, waitUserGroupsActive } from '../helpers/groups.js';
import { jsToken } from '../helpers/iam-token.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-proxy';
const IAM_USER = 'iam-px';
const PW_USER = 'pw-px';
const PW = 'Proxy-Password-User-0001';

interface At { host: string; port: number }

describe('IAM logins with the userspace proxy router (no kernel NAT)', { timeout: 180_000 }, () => {
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
    svc = await startService(cleanup, { args: ['--router', 'proxy'] });
    ({ caFile } = await writeClientCa(svc));
    await svc.client.send(new CreateUserCommand({
      UserId: IAM_USER, UserName: IAM_USER, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
    }));
    await svc.client.send(new CreateUserCommand({ UserId: PW_USER, UserName: PW_USER, Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [PW] }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: 'iam-px-users', Engine: 'redis', UserIds: ['default', IAM_USER, PW_USER] }));
    await waitUserGroupsActive(svc.client, ['iam-px-users']);
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'IAM auth, proxy router', NumCacheClusters: 1,
      TransitEncryptionEnabled: true, UserGroupIds: ['iam-px-users'],
    }));
    const g = await waitAvailable(svc.client, GROUP, 60_000);
    primary = endpoint(g, 'PrimaryEndpoint');
    const c = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: g.MemberClusters![0]!, ShowCacheNodeInfo: true }))).CacheClusters![0]!;
    node = { host: c.CacheNodes![0]!.Endpoint!.Address!, port: c.CacheNodes![0]!.Endpoint!.Port! };
  });

  test('a token logs in at the primary endpoint and at the node endpoint; a bad one is refused at both; passwords work', async () => {
    // The admin key is the account root: always allowed to connect.
    const token = await jsToken(svc.credentials, GROUP, IAM_USER);
    const forged = token.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    for (const at of [primary, node]) {
      await waitFor(async () => (await cli(at, IAM_USER, token, 'PING')) === 'PONG', { timeoutMs: 20_000, what: `an IAM login at ${at.host}:${at.port}` });
      assert.equal(await cli(at, IAM_USER, token, 'ACL', 'WHOAMI'), IAM_USER);
      assert.match(await cli(at, IAM_USER, forged, 'PING'), /WRONGPASS/, `a forged token at ${at.host}:${at.port}`);
      assert.equal(await cli(at, PW_USER, PW, 'PING'), 'PONG', `a password login at ${at.host}:${at.port}`);
    }
  });
});
