/**
 * Security groups enforced at every address a client can reach, end to end: groups made with the
 * aws CLI's EC2 commands on the service's endpoint, a replication group and a cluster-mode group
 * naming them, and real clients connecting from distinct loopback source addresses (an app's
 * network interface in the app group, an outsider, redis-cli from 127.0.0.1). The kernel refuses
 * what the groups do not allow — at the primary, reader and configuration endpoints and at every
 * node's own address — while the service keeps managing the nodes (failover included).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, Redis } from 'ioredis';
import { ModifyReplicationGroupCommand, TestFailoverCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { boundConnector } from '../../src/engine/bound-connector.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { run } from '../helpers/e2e-exec.js';
import { awsElastiCache } from '../helpers/cluster-mode.js';
import { describeGroup, endpoint, primaryOf, waitAvailable } from '../helpers/groups.js';
import { tryConnect } from '../helpers/endpoints-redis.js';

const APP = '127.0.0.50';
const OUTSIDER = '127.0.0.51';

describe('security groups at the endpoints', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let appSg: string;
  let redisSg: string;
  let group: ReplicationGroup;
  const clients: (Redis | Cluster)[] = [];

  /** `aws ec2 <args>` against the service, parsed. */
  const ec2 = async (...args: string[]): Promise<any> => {
    const r = await run('aws', ['ec2', ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`aws ec2 ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  };
  /** A client connecting from `from` (a loopback source address). */
  const clientFrom = (from: string, host: string, port: number): Redis => {
    const c = new Redis({ host, port, Connector: boundConnector(from), maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const redisCli = (host: string, port: number, ...args: string[]) =>
    run('redis-cli', ['-h', host, '-p', String(port), ...args], { timeoutMs: 10_000 }).then((r) => `${r.stdout}${r.stderr}`.trim());

  before(async () => {
    svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
  });
  after(() => { for (const c of clients) c.disconnect(); });

  test('groups made with aws ec2: redis admits the app group', async () => {
    appSg = (await ec2('create-security-group', '--group-name', 'application', '--description', 'App servers')).GroupId;
    redisSg = (await ec2('create-security-group', '--group-name', 'redis-security-group', '--description', 'Security group for ElastiCache Redis')).GroupId;
    assert.match(redisSg, /^sg-[0-9a-f]{17}$/);
    await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--ip-permissions',
      JSON.stringify([{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: appSg, Description: 'Redis from application' }] }]));
    const eni = await ec2('create-network-interface', '--subnet-id', 'subnet-app', '--groups', appSg, '--private-ip-address', APP);
    assert.equal(eni.NetworkInterface.PrivateIpAddress, APP);
  });

  test('a replication group with the redis group is available, and only the app reaches it', async () => {
    await awsElastiCache(svc, 'create-replication-group', '--replication-group-id', 'guarded', '--replication-group-description', 'guarded',
      '--engine', 'redis', '--cache-node-type', 'cache.t4g.micro', '--num-cache-clusters', '2', '--automatic-failover-enabled',
      '--security-group-ids', redisSg);
    // Available means the control plane reached every node (from its management address) and replication is up.
    group = await waitAvailable(svc.client, 'guarded', 30_000);
    assert.deepEqual(group.MemberClusters?.length, 2);
    const primary = endpoint(group, 'PrimaryEndpoint');
    const reader = endpoint(group, 'ReaderEndpoint');
    const app = clientFrom(APP, primary.host, primary.port);
    assert.equal(await app.set('k', 'v'), 'OK');
    // Replication is asynchronous: the replica behind the reader endpoint has the write soon, not at once.
    const appReader = clientFrom(APP, reader.host, reader.port);
    await waitFor(async () => (await appReader.get('k')) === 'v', { timeoutMs: 5000, what: 'the write read through the reader endpoint' });

    const nodes = await nodeEndpoints(svc, 'guarded');
    for (const [host, port] of [[primary.host, primary.port], [reader.host, reader.port], ...nodes] as [string, number][]) {
      assert.equal((await tryConnect(host, port, 3000, APP)).result, 'connected', `app → ${host}:${port}`);
      const outsider = await tryConnect(host, port, 3000, OUTSIDER);
      assert.equal(outsider.result, 'ECONNREFUSED', `outsider → ${host}:${port}`);
      assert.equal((await tryConnect(host, port, 3000, '127.0.0.1')).result, 'ECONNREFUSED', `127.0.0.1 → ${host}:${port}`);
    }
    assert.match(await redisCli(primary.host, primary.port, 'PING'), /Connection refused/);
  });

  test('authorizing and revoking a CIDR takes effect for new connections', async () => {
    const primary = endpoint(group, 'PrimaryEndpoint');
    await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.1/32');
    await waitFor(async () => (await redisCli(primary.host, primary.port, 'GET', 'k')) === 'v', { timeoutMs: 10_000, what: 'redis-cli admitted' });
    await ec2('revoke-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.1/32');
    await waitFor(async () => /Connection refused/.test(await redisCli(primary.host, primary.port, 'PING')), { timeoutMs: 10_000, what: 'redis-cli refused again' });
  });

  test('a failover works behind the filters, and the app follows the primary endpoint', async () => {
    const before = primaryOf(group);
    await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: 'guarded', NodeGroupId: '0001' }));
    await waitFor(async () => primaryOf(await describeGroup(svc.client, 'guarded')) !== before, { timeoutMs: 30_000, what: 'a new primary' });
    group = await waitAvailable(svc.client, 'guarded', 30_000);
    const primary = endpoint(group, 'PrimaryEndpoint');
    const app = clientFrom(APP, primary.host, primary.port);
    await waitFor(async () => (await app.set('after', '1').catch(() => 'no')) === 'OK', { timeoutMs: 10_000, what: 'app writes to the new primary' });
  });

  test('modify-replication-group --security-group-ids swaps the groups live', async () => {
    const open = (await ec2('create-security-group', '--group-name', 'loopback', '--description', 'Anything on this host')).GroupId;
    await ec2('authorize-security-group-ingress', '--group-id', open, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.0/8');
    await svc.client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: 'guarded', SecurityGroupIds: [open], ApplyImmediately: true }));
    const primary = endpoint(group, 'PrimaryEndpoint');
    await waitFor(async () => (await tryConnect(primary.host, primary.port, 3000, OUTSIDER)).result === 'connected',
      { timeoutMs: 10_000, what: 'the outsider admitted by the new group' });
    const out = await awsElastiCache(svc, 'describe-cache-clusters');
    const members = (out.CacheClusters as any[]).filter((c) => c.ReplicationGroupId === 'guarded');
    assert.equal(members.length, 2);
    for (const c of members) {
      assert.deepEqual(c.SecurityGroups, [{ SecurityGroupId: open, Status: 'active' }], `${c.CacheClusterId} shows the new group`);
    }
  });

  test('cluster mode: the configuration endpoint and every node admit the app and refuse others', async () => {
    await awsElastiCache(svc, 'create-replication-group', '--replication-group-id', 'guarded-cm', '--replication-group-description', 'cm',
      '--engine', 'redis', '--cache-node-type', 'cache.t4g.micro', '--num-node-groups', '2', '--replicas-per-node-group', '1',
      '--cache-parameter-group-name', 'default.redis7.cluster.on', '--security-group-ids', redisSg);
    const g = await waitAvailable(svc.client, 'guarded-cm', 60_000);
    const cfg = g.ConfigurationEndpoint!;
    assert.equal((await tryConnect(cfg.Address!, cfg.Port!, 3000, OUTSIDER)).result, 'ECONNREFUSED');
    const cluster = new Cluster([{ host: cfg.Address!, port: cfg.Port! }], {
      redisOptions: { Connector: boundConnector(APP), maxRetriesPerRequest: 2 }, clusterRetryStrategy: () => 200,
    });
    cluster.on('error', () => undefined);
    clients.push(cluster);
    for (let i = 0; i < 50; i++) assert.equal(await cluster.set(`key:${i}`, String(i)), 'OK');
    const nodes = cluster.nodes('master').map((n) => n.options);
    assert.equal(nodes.length, 2, 'the client reached both shards\' primaries directly');
    for (const n of await nodeEndpoints(svc, 'guarded-cm')) {
      assert.equal((await tryConnect(n[0], n[1], 3000, OUTSIDER)).result, 'ECONNREFUSED', `outsider → node ${n[0]}`);
      assert.equal((await tryConnect(n[0], n[1] + 10_000, 3000, APP)).result, 'ECONNREFUSED', `app → cluster bus of ${n[0]}`);
    }
    // Resharding under the filters: the nodes' MIGRATE connects from 127.0.0.1 (no security group
    // admits it), and passes as the node user's own connection.
    await awsElastiCache(svc, 'modify-replication-group-shard-configuration', '--replication-group-id', 'guarded-cm', '--node-group-count', '3', '--apply-immediately');
    const resharded = await waitAvailable(svc.client, 'guarded-cm', 90_000, (x) => x.NodeGroups?.length === 3);
    assert.equal(resharded.NodeGroups!.length, 3);
    await cluster.refreshSlotsCache();
    for (let i = 0; i < 50; i++) assert.equal(await cluster.get(`key:${i}`), String(i), `key:${i} after resharding`);
    for (const n of await nodeEndpoints(svc, 'guarded-cm')) {
      assert.equal((await tryConnect(n[0], n[1], 3000, OUTSIDER)).result, 'ECONNREFUSED', `outsider → node ${n[0]} after resharding`);
    }
  });
});

/** Every node endpoint (address, port) of a replication group. */
async function nodeEndpoints(svc: TestService, groupId: string): Promise<[string, number][]> {
  const out = await awsElastiCache(svc, 'describe-cache-clusters', '--show-cache-node-info');
  return (out.CacheClusters as any[]).filter((c) => c.ReplicationGroupId === groupId)
    .flatMap((c) => (c.CacheNodes as any[]).map((n) => [n.Endpoint.Address, n.Endpoint.Port] as [string, number]));
}
