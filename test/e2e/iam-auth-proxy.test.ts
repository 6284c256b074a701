/**
 * IAM logins without kernel NAT (`--router proxy`, as on a host without nftables): the primary
 * endpoint is the proxy process's, which sends clients through the IAM auth gateway, so a token
 * logs in there; a node endpoint is redis-server itself (node routes need NAT's source
 * exemptions), where a valid token is refused with WRONGPASS — nothing gets in unchecked — while
 * a password user logs in as usual; the service says so in its log, once for the group.
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

  test('a token logs in at the primary endpoint; a node endpoint refuses it (WRONGPASS) and takes passwords; the log says why', async () => {
    // The admin key is the account root: always allowed to connect.
    const token = await jsToken(svc.credentials, GROUP, IAM_USER);
    await waitFor(async () => (await cli(primary, IAM_USER, token, 'PING')) === 'PONG', { timeoutMs: 20_000, what: 'an IAM login at the primary endpoint' });
    await waitFor(async () => (await cli(node, PW_USER, PW, 'PING')) === 'PONG', { timeoutMs: 20_000, what: 'a password login at the node' });
    assert.match(await cli(node, IAM_USER, token, 'PING'), /WRONGPASS/, 'redis-server itself cannot check a token');
    const warned = svc.logs.filter((l) => l.includes('IAM logins are refused at this group') && l.includes(GROUP));
    assert.equal(warned.length, 1, 'said once for the group');
    assert.match(warned[0]!, /needs kernel NAT/);
  });
});
