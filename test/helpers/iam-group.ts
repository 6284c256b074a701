/**
 * A running service with an IAM user and a password user, and one TLS group whose user group holds
 * the password user (and, unless left out, the IAM user): the setup the IAM login e2e tests share.
 */
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand,
} from '@aws-sdk/client-elasticache';
import type { Cleanup } from './cleanup.js';
import { run } from './e2e-exec.js';
import { endpoint, waitAvailable, waitUserGroupsActive } from './groups.js';
import { startService, writeClientCa, type TestService } from './service.js';

export interface At { host: string; port: number }

export interface IamGroup {
  svc: TestService;
  caFile: string;
  /** The group's primary endpoint. */
  primary: At;
  /** The node endpoint of the group's member `nodeMember` (its first node). */
  node: At;
  /** redis-cli over TLS at `at`, logged in as `user`; stdout and stderr, trimmed. */
  cli(at: At, user: string, password: string, ...args: string[]): Promise<string>;
}

export async function startIamGroup(cleanup: Cleanup, o: {
  group: string; description: string; iamUser: string; pwUser: string; pw: string; userGroupId: string;
  /** Whether the user group holds the IAM user from the start. */
  iamUserInGroup: boolean; numCacheClusters: number; nodeMember: number; serviceArgs?: string[];
}): Promise<IamGroup> {
  const svc = await startService(cleanup, o.serviceArgs ? { args: o.serviceArgs } : {});
  const { caFile } = await writeClientCa(svc);
  await svc.client.send(new CreateUserCommand({
    UserId: o.iamUser, UserName: o.iamUser, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
  }));
  await svc.client.send(new CreateUserCommand({ UserId: o.pwUser, UserName: o.pwUser, Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [o.pw] }));
  await svc.client.send(new CreateUserGroupCommand({
    UserGroupId: o.userGroupId, Engine: 'redis', UserIds: ['default', ...(o.iamUserInGroup ? [o.iamUser] : []), o.pwUser],
  }));
  await waitUserGroupsActive(svc.client, [o.userGroupId]);
  await svc.client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: o.group, ReplicationGroupDescription: o.description, NumCacheClusters: o.numCacheClusters,
    TransitEncryptionEnabled: true, UserGroupIds: [o.userGroupId],
  }));
  const g = await waitAvailable(svc.client, o.group, 60_000);
  const c = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: g.MemberClusters![o.nodeMember]!, ShowCacheNodeInfo: true }))).CacheClusters![0]!;
  return {
    svc, caFile, primary: endpoint(g, 'PrimaryEndpoint'),
    node: { host: c.CacheNodes![0]!.Endpoint!.Address!, port: c.CacheNodes![0]!.Endpoint!.Port! },
    async cli(at, user, password, ...args) {
      const r = await run('redis-cli', ['--tls', '--cacert', caFile, '-h', at.host, '-p', String(at.port), '--no-auth-warning',
        '--user', user, '--pass', password, ...args], { timeoutMs: 10_000 });
      return `${r.stdout}${r.stderr}`.trim();
    },
  };
}
