/**
 * IAM authentication in cluster mode, end to end: a cluster-mode-enabled group (3 shards, a
 * replica each) with TLS and an IAM user. Cluster clients discover the topology at the
 * configuration endpoint and then connect to the nodes CLUSTER SLOTS and MOVED name, each of
 * which checks the token itself (the IAM auth module). `redis-cli -c --tls` with a token from
 * botocore, and ioredis's `Cluster` with `tls` and a token (the JS SDK's and botocore's) as the
 * password, write and read keys on every shard; every node endpoint refuses a bad token; the
 * group's security group (127.0.0.1 only) keeps applying at every address; the cluster bus and
 * replication go on (cluster_state ok, replicas in sync).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { Cluster } from 'ioredis';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { CreateAccessKeyCommand, CreateUserCommand as CreateIamUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, writeClientCa, type TestService } from '../helpers/service.js';
import { pythonWith, run } from '../helpers/e2e-exec.js';
import { keySlot, parseSlotRanges } from '../helpers/cluster-mode.js';
import { waitAvailable, waitUserGroupsActive } from '../helpers/groups.js';
import { jsToken, pythonToken } from '../helpers/iam-token.js';
import { skipOrFail } from '../helpers/prerequisites.js';
import type { SigningCredentials } from '../helpers/sigv4-client.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-cluster';
const IAM_USER = 'iam-cme';

interface At { host: string; port: number }

describe('IAM authentication in cluster mode (configuration endpoint and every node)', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;
  let group: ReplicationGroup;
  let cfg: At;
  let nodes: (At & { id: string; role: string })[];
  /** Slot ranges of each shard, and a key whose slot falls in each. */
  let shards: { id: string; ranges: [number, number][]; key: string }[];
  let python: string | undefined;
  let alice: SigningCredentials;
  const clusters: Cluster[] = [];

  const cli = async (at: At, token: string, ...args: string[]): Promise<string> => {
    const r = await run('redis-cli', ['-c', '--tls', '--cacert', caFile, '-h', at.host, '-p', String(at.port), '--no-auth-warning',
      '--user', IAM_USER, '--pass', token, ...args], { timeoutMs: 15_000 });
    return `${r.stdout}${r.stderr}`.trim();
  };
  const shardOf = (key: string): string => shards.find((s) => s.ranges.some(([a, b]) => keySlot(key) >= a && keySlot(key) <= b))!.id;

  before(async () => {
    svc = await startService(cleanup);
    ({ caFile, ca } = await writeClientCa(svc));
    python = await pythonWith('botocore');
    const iam = new IAMClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials });
    cleanup.defer(() => iam.destroy());
    const arnOf = (kind: string, id: string) => `arn:aws:elasticache:us-east-1:*:${kind}:${id}`;
    await iam.send(new CreateIamUserCommand({ UserName: 'alice' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'alice', PolicyName: 'connect', PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: [arnOf('replicationgroup', GROUP), arnOf('user', IAM_USER)] }],
      }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    alice = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await svc.client.send(new CreateUserCommand({
      UserId: IAM_USER, UserName: IAM_USER, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
    }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: 'iam-cme-users', Engine: 'redis', UserIds: ['default', IAM_USER] }));
    await waitUserGroupsActive(svc.client, ['iam-cme-users']);
    // Clients here connect from 127.0.0.1 (the default source); nobody else is admitted.
    const ec2 = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => ec2.destroy());
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'iam-cme-sg', Description: 'localhost only' }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, CidrIp: '127.0.0.1/32' }));
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'IAM auth in cluster mode', CacheNodeType: 'cache.t3.micro',
      CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 3, ReplicasPerNodeGroup: 1,
      TransitEncryptionEnabled: true, UserGroupIds: ['iam-cme-users'], SecurityGroupIds: [sg],
    }));
    group = await waitAvailable(svc.client, GROUP, 120_000);
    cfg = { host: group.ConfigurationEndpoint!.Address!, port: group.ConfigurationEndpoint!.Port! };
    nodes = await Promise.all(group.MemberClusters!.map(async (id) => {
      const c = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }))).CacheClusters![0]!;
      const e = c.CacheNodes![0]!.Endpoint!;
      const role = group.NodeGroups!.flatMap((ng) => ng.NodeGroupMembers!).find((m) => m.CacheClusterId === id)?.CurrentRole ?? '?';
      return { id, host: e.Address!, port: e.Port!, role };
    }));
    shards = group.NodeGroups!.map((ng) => {
      const ranges = parseSlotRanges(ng.Slots);
      let i = 0;
      while (!ranges.some(([a, b]) => keySlot(`k${i}`) >= a && keySlot(`k${i}`) <= b)) i++;
      return { id: ng.NodeGroupId!, ranges, key: `k${i}` };
    });
    assert.equal(shards.length, 3);
    // The ACL and the node routes reach every node a moment after the group is available.
    const token = await jsToken(alice, GROUP, IAM_USER);
    for (const n of [cfg, ...nodes]) {
      await waitFor(async () => (await cli(n, token, 'PING')) === 'PONG', { timeoutMs: 30_000, what: `an IAM login at ${n.host}:${n.port}` });
    }
  });
  after(() => { for (const c of clusters) c.disconnect(); });

  test('redis-cli -c --tls with a botocore token writes and reads a key on every shard', async (t) => {
    if (!python) return skipOrFail(t, 'python3 with botocore');
    const token = await pythonToken(python, alice, GROUP, IAM_USER);
    for (const s of shards) {
      // Redirected (MOVED) from the configuration endpoint's node to the shard's primary, a login there each time.
      assert.equal(await cli(cfg, token, 'SET', s.key, `cli-${s.id}`), 'OK', `shard ${s.id}`);
      assert.equal(await cli(cfg, token, 'GET', s.key), `cli-${s.id}`, `shard ${s.id}`);
    }
    assert.match(await cli(cfg, token, 'CLUSTER', 'INFO'), /cluster_state:ok/);
  });

  test('ioredis Cluster with tls and a token as the password (the JS SDK\'s, then botocore\'s) reads and writes keys on every shard', async (t) => {
    const tokens: Array<[string, string]> = [['JS SDK', await jsToken(alice, GROUP, IAM_USER)]];
    if (python) tokens.push(['botocore', await pythonToken(python, alice, GROUP, IAM_USER)]);
    else skipOrFail(t, 'python3 with botocore (the JS SDK token alone was used)');
    for (const [signer, token] of tokens) {
      const c = new Cluster([{ host: cfg.host, port: cfg.port }], {
        redisOptions: { tls: { ca }, username: IAM_USER, password: token, connectTimeout: 5000 }, slotsRefreshTimeout: 5000,
      });
      c.on('error', () => undefined);
      clusters.push(c);
      const keys = Array.from({ length: 300 }, (_, i) => `io:${signer}:${i}`);
      for (const k of keys) assert.equal(await c.set(k, k), 'OK');
      assert.deepEqual(await Promise.all(keys.map((k) => c.get(k))), keys, `${signer}: every key read back`);
      assert.deepEqual(new Set(keys.map(shardOf)).size, 3, 'the keys span every shard');
      // Every primary the client talked to took the login: each holds its shard's keys.
      const masters = c.nodes('master');
      assert.equal(masters.length, 3);
      for (const m of masters) assert.ok(Number(await m.dbsize()) > 0, `${m.options.host}:${m.options.port} holds keys`);
      assert.equal(await masters[0]!.call('ACL', 'WHOAMI'), IAM_USER);
      c.disconnect();
    }
  });

  test('the security group keeps applying at the configuration endpoint and at every node (security groups are kernel filters; nothing stands in between)', async () => {
    /** Whether a TLS handshake from `from` completes at `at` (a source not admitted is reset, as a closed port). */
    const handshake = (at: At, from: string): Promise<string> => new Promise((resolve) => {
      const options: tls.ConnectionOptions & { localAddress: string } = { host: at.host, port: at.port, ca, localAddress: from };
      const s = tls.connect(options);
      const done = (what: string) => { s.destroy(); resolve(what); };
      s.setTimeout(5000, () => done('timeout'));
      s.once('secureConnect', () => done('handshake'));
      s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      s.once('close', () => done('closed'));
    });
    for (const at of [cfg, ...nodes]) {
      assert.equal(await handshake(at, '127.0.0.1'), 'handshake', `127.0.0.1 at ${at.host}:${at.port}`);
      assert.notEqual(await handshake(at, '127.0.0.50'), 'handshake', `127.0.0.50 at ${at.host}:${at.port}`);
    }
  });

  test('a bad token is refused at the configuration endpoint and at every node; the cluster stays whole', async () => {
    const good = await jsToken(alice, GROUP, IAM_USER);
    const forged = good.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    const expired = await jsToken(alice, GROUP, IAM_USER, { signingDate: new Date(Date.now() - 16 * 60_000) });
    const otherCache = await jsToken(alice, 'other-group', IAM_USER);
    for (const n of [cfg, ...nodes]) {
      for (const bad of [forged, expired, otherCache]) assert.match(await cli(n, bad, 'PING'), /WRONGPASS/, `${n.host}:${n.port}`);
    }
    // Replicas followed their primaries over the cluster bus and replication links, which reach redis-server directly.
    for (const n of nodes.filter((x) => x.role === 'replica')) {
      await waitFor(async () => /master_link_status:up/.test(await cli(n, good, 'INFO', 'replication')),
        { timeoutMs: 10_000, what: `${n.id}'s replication link` });
      await waitFor(async () => Number(await cli(n, good, 'DBSIZE')) > 0, { timeoutMs: 10_000, what: `${n.id} to hold its shard's keys` });
    }
    assert.match(await cli(cfg, good, 'CLUSTER', 'INFO'), /cluster_state:ok/);
    assert.equal((await waitAvailable(svc.client, GROUP, 10_000)).Status, 'available');
  });
});
