/**
 * The README user flow, exactly as a user types it: the `aws` CLI against the service, the CLI's
 * real waiters, redis-cli through the primary and reader endpoints, parameter group changes
 * showing up live on every node, and a deletion that leaves no process and no listener behind.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeCacheClustersCommand, DescribeCacheParametersCommand, DescribeEventsCommand, DescribeReplicationGroupsCommand,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { run, redisCli } from '../helpers/e2e-exec.js';
import { adminCliArgs } from '../helpers/node-admin.js';
import { inCidr, isRedisServer, nodePids, tryConnect } from '../helpers/e2e-nodes.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'my-redis-cluster';

interface Endpoint { Address: string; Port: number }
interface Member { CacheClusterId: string; CacheNodeId: string; ReadEndpoint: Endpoint; PreferredAvailabilityZone: string; CurrentRole: string }
interface NodeGroup { Status: string; PrimaryEndpoint: Endpoint; ReaderEndpoint: Endpoint; NodeGroupMembers: Member[] }
interface ReplicationGroup {
  ReplicationGroupId: string; Status: string; MemberClusters: string[]; NodeGroups: NodeGroup[];
  CacheNodeType: string; SnapshotRetentionLimit: number; SnapshotWindow: string; Description: string;
}

describe('aws CLI: the README flow', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let group: ReplicationGroup;
  let members: Member[];
  let pidsBeforeDelete: Map<string, number>;

  /** `aws elasticache <args> --endpoint-url <svc> --output json`, parsed; throws with stderr on failure. */
  async function aws(...args: string[]): Promise<any> {
    const r = await run('aws', ['elasticache', ...args, '--endpoint-url', svc.url, '--output', 'json'],
      { env: svc.env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`aws elasticache ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  }

  before(async () => {
    svc = await startService(cleanup);
  });

  test('create-cache-subnet-group spreads the subnets over us-east-1a and us-east-1b', async () => {
    const out = await aws('create-cache-subnet-group', '--cache-subnet-group-name', 'my-redis-subnet-group',
      '--cache-subnet-group-description', 'Subnet group for Redis cluster', '--subnet-ids', 'subnet-12345678', 'subnet-87654321');
    const sg = out.CacheSubnetGroup;
    assert.equal(sg.CacheSubnetGroupName, 'my-redis-subnet-group');
    assert.equal(sg.CacheSubnetGroupDescription, 'Subnet group for Redis cluster');
    assert.deepEqual(sg.Subnets.map((s: any) => [s.SubnetIdentifier, s.SubnetAvailabilityZone.Name]),
      [['subnet-12345678', 'us-east-1a'], ['subnet-87654321', 'us-east-1b']]);
  });

  test('create-cache-parameter-group and modify-cache-parameter-group', async () => {
    const created = await aws('create-cache-parameter-group', '--cache-parameter-group-family', 'redis7',
      '--cache-parameter-group-name', 'my-redis-params', '--description', 'tuned');
    assert.equal(created.CacheParameterGroup.CacheParameterGroupName, 'my-redis-params');
    assert.equal(created.CacheParameterGroup.CacheParameterGroupFamily, 'redis7');
    const modified = await aws('modify-cache-parameter-group', '--cache-parameter-group-name', 'my-redis-params',
      '--parameter-name-values', 'ParameterName=maxmemory-policy,ParameterValue=volatile-lru',
      'ParameterName=notify-keyspace-events,ParameterValue=Ex');
    assert.equal(modified.CacheParameterGroupName, 'my-redis-params');
    // Checks beyond the flow itself go through the JS SDK: each aws CLI run costs a Python start.
    const params = await svc.client.send(new DescribeCacheParametersCommand({ CacheParameterGroupName: 'my-redis-params', Source: 'user' }));
    const user = Object.fromEntries((params.Parameters ?? []).map((p) => [p.ParameterName, p.ParameterValue]));
    assert.equal(user['maxmemory-policy'], 'volatile-lru');
    assert.equal(user['notify-keyspace-events'], 'Ex');
  });

  test('create-replication-group, then the real `aws elasticache wait replication-group-available`', async () => {
    const out = await aws('create-replication-group', '--replication-group-id', GROUP,
      '--replication-group-description', 'Production Redis cluster', '--engine', 'redis', '--engine-version', '7.0',
      '--cache-node-type', 'cache.r6g.large', '--num-cache-clusters', '3', '--cache-parameter-group-name', 'my-redis-params',
      '--cache-subnet-group-name', 'my-redis-subnet-group', '--snapshot-retention-limit', '7',
      '--snapshot-window', '03:00-04:00', '--preferred-maintenance-window', 'sun:05:00-sun:06:00');
    assert.equal(out.ReplicationGroup.ReplicationGroupId, GROUP);
    assert.equal(out.ReplicationGroup.Status, 'creating');
    assert.equal(out.ReplicationGroup.MemberClusters.length, 3);

    const waited = await run('aws', ['elasticache', 'wait', 'replication-group-available', '--replication-group-id', GROUP,
      '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 90_000 });
    assert.equal(waited.code, 0, `waiter failed: ${waited.stderr}`);
  });

  test('describe-replication-groups: available, one primary and two replicas over two AZs, endpoints in the cidr', async () => {
    const out = await aws('describe-replication-groups', '--replication-group-id', GROUP);
    assert.equal(out.ReplicationGroups.length, 1);
    group = out.ReplicationGroups[0];
    assert.equal(group.Status, 'available');
    assert.equal(group.Description, 'Production Redis cluster');
    assert.equal(group.CacheNodeType, 'cache.r6g.large');
    assert.equal(group.SnapshotRetentionLimit, 7);
    assert.equal(group.SnapshotWindow, '03:00-04:00');
    assert.deepEqual(group.MemberClusters, [`${GROUP}-001`, `${GROUP}-002`, `${GROUP}-003`]);
    assert.equal(group.NodeGroups.length, 1);
    const ng = group.NodeGroups[0]!;
    members = ng.NodeGroupMembers;
    assert.equal(members.length, 3);
    assert.deepEqual(members.map((m) => m.CurrentRole).sort(), ['primary', 'replica', 'replica']);
    assert.deepEqual([...new Set(members.map((m) => m.PreferredAvailabilityZone))].sort(), ['us-east-1a', 'us-east-1b']);
    for (const ep of [ng.PrimaryEndpoint, ng.ReaderEndpoint, ...members.map((m) => m.ReadEndpoint)]) {
      assert.ok(inCidr(ep.Address, svc.cidr), `${ep.Address} is not in ${svc.cidr}`);
      assert.equal(ep.Port, 6379);
    }
    const all = [ng.PrimaryEndpoint.Address, ng.ReaderEndpoint.Address, ...members.map((m) => m.ReadEndpoint.Address)];
    assert.equal(new Set(all).size, all.length, `endpoint addresses are not distinct: ${all.join(', ')}`);
  });

  test('redis-cli: SET through the primary endpoint, GET through the reader endpoint', async () => {
    const { PrimaryEndpoint: p, ReaderEndpoint: r } = group.NodeGroups[0]!;
    assert.equal(await redisCli(p.Address, p.Port, 'set', 'key', 'value'), 'OK');
    await waitFor(async () => (await redisCli(r.Address, r.Port, 'get', 'key')) === 'value',
      { timeoutMs: 10_000, intervalMs: 100, what: 'the reader endpoint to return the value' });
  });

  test('the primary endpoint reaches the primary node, the reader endpoint only replicas', async () => {
    const ng = group.NodeGroups[0]!;
    const primary = members.find((m) => m.CurrentRole === 'primary')!;
    const replicas = members.filter((m) => m.CurrentRole === 'replica').map((m) => m.ReadEndpoint.Address);
    assert.equal(await redisCli(ng.PrimaryEndpoint.Address, ng.PrimaryEndpoint.Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'bind'),
      `bind\n${primary.ReadEndpoint.Address}`);
    assert.match(await redisCli(ng.PrimaryEndpoint.Address, ng.PrimaryEndpoint.Port, 'role'), /^master\n/);
    // Several fresh connections: every one must land on a replica.
    for (let i = 0; i < 6; i++) {
      const bind = (await redisCli(ng.ReaderEndpoint.Address, ng.ReaderEndpoint.Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'bind')).split('\n');
      assert.equal(bind[0], 'bind');
      assert.ok(replicas.includes(bind[1]!), `reader connection landed on ${bind[1]}, not on a replica (${replicas.join(', ')})`);
      const role = await redisCli(ng.ReaderEndpoint.Address, ng.ReaderEndpoint.Port, 'role');
      assert.equal(role.split('\n')[0], 'slave');
      assert.equal(role.split('\n')[1], primary.ReadEndpoint.Address, 'the replica follows the primary node');
    }
  });

  test('the parameter group values are live on every node', async () => {
    for (const m of members) {
      const { Address, Port } = m.ReadEndpoint;
      assert.equal(await redisCli(Address, Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'maxmemory-policy'), 'maxmemory-policy\nvolatile-lru',
        `maxmemory-policy on ${m.CacheClusterId}`);
      const events = (await redisCli(Address, Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'notify-keyspace-events')).split('\n')[1] ?? '';
      assert.ok(events.includes('E') && events.includes('x'), `notify-keyspace-events on ${m.CacheClusterId} is '${events}'`);
    }
  });

  test('a further modify-cache-parameter-group shows up live on every node', async () => {
    await aws('modify-cache-parameter-group', '--cache-parameter-group-name', 'my-redis-params',
      '--parameter-name-values', 'ParameterName=maxmemory-policy,ParameterValue=allkeys-lru');
    for (const m of members) {
      const { Address, Port } = m.ReadEndpoint;
      await waitFor(async () => (await redisCli(Address, Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'maxmemory-policy')) === 'maxmemory-policy\nallkeys-lru',
        { timeoutMs: 15_000, intervalMs: 100, what: `allkeys-lru on ${m.CacheClusterId}` });
    }
    // The earlier value of the other parameter is kept.
    for (const m of members) {
      const events = (await redisCli(m.ReadEndpoint.Address, m.ReadEndpoint.Port, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'notify-keyspace-events')).split('\n')[1] ?? '';
      assert.ok(events.includes('E') && events.includes('x'), `notify-keyspace-events on ${m.CacheClusterId} is '${events}'`);
    }
  });

  test('describe-cache-clusters --show-cache-node-info: the running engine version and node endpoints', async () => {
    const out = await aws('describe-cache-clusters', '--show-cache-node-info');
    const clusters = (out.CacheClusters as any[]).filter((c) => c.ReplicationGroupId === GROUP);
    assert.deepEqual(clusters.map((c) => c.CacheClusterId).sort(), group.MemberClusters);
    for (const c of clusters) {
      const m = members.find((x) => x.CacheClusterId === c.CacheClusterId)!;
      const running = /redis_version:(\S+)/.exec(await redisCli(m.ReadEndpoint.Address, m.ReadEndpoint.Port, 'info', 'server'))?.[1];
      assert.match(running ?? '', /^7\.0\.\d+$/, 'the node runs a 7.0.x redis-server');
      assert.equal(c.EngineVersion, running, `${c.CacheClusterId} reports the engine version its node runs`);
      assert.equal(c.Engine, 'redis');
      assert.equal(c.CacheClusterStatus, 'available');
      assert.equal(c.CacheNodeType, 'cache.r6g.large');
      assert.equal(c.PreferredAvailabilityZone, m.PreferredAvailabilityZone);
      assert.equal(c.CacheParameterGroup.CacheParameterGroupName, 'my-redis-params');
      assert.equal(c.CacheSubnetGroupName, 'my-redis-subnet-group');
      assert.equal(c.PreferredMaintenanceWindow, 'sun:05:00-sun:06:00');
      assert.equal(c.CacheNodes.length, 1);
      assert.equal(c.CacheNodes[0].CacheNodeId, '0001');
      assert.equal(c.CacheNodes[0].CacheNodeStatus, 'available');
      assert.deepEqual(c.CacheNodes[0].Endpoint, m.ReadEndpoint);
    }
  });

  test('describe-events lists the creation', async () => {
    const out = await aws('describe-events', '--duration', '60');
    const events = out.Events as { SourceIdentifier: string; SourceType: string; Message: string }[];
    assert.ok(events.some((e) => e.SourceIdentifier === GROUP && e.SourceType === 'replication-group' && /\bcreated\b/i.test(e.Message)),
      `no "created" event for ${GROUP}: ${JSON.stringify(events, null, 1)}`);
    for (const id of group.MemberClusters) {
      assert.ok(events.some((e) => e.SourceIdentifier === id && e.SourceType === 'cache-cluster'), `no event for ${id}`);
    }
    const filtered = await svc.client.send(new DescribeEventsCommand({ SourceType: 'replication-group', SourceIdentifier: GROUP, Duration: 60 }));
    assert.ok((filtered.Events ?? []).length > 0);
    assert.ok(filtered.Events!.every((e) => e.SourceIdentifier === GROUP && e.SourceType === 'replication-group'));
  });

  test('delete-replication-group, `aws elasticache wait replication-group-deleted`: no process and no listener remain', async () => {
    pidsBeforeDelete = await nodePids(svc.dataDir);
    assert.deepEqual([...pidsBeforeDelete.keys()].sort(), group.MemberClusters.map((id) => `${id}-0001`));
    for (const pid of pidsBeforeDelete.values()) assert.ok(await isRedisServer(pid), `node pid ${pid} runs before the deletion`);

    const out = await aws('delete-replication-group', '--replication-group-id', GROUP);
    assert.equal(out.ReplicationGroup.Status, 'deleting');
    const waited = await run('aws', ['elasticache', 'wait', 'replication-group-deleted', '--replication-group-id', GROUP,
      '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 90_000 });
    assert.equal(waited.code, 0, `waiter failed: ${waited.stderr}`);

    await assert.rejects(svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP })),
      (e: Error) => e.name === 'ReplicationGroupNotFoundFault');
    assert.deepEqual((await svc.client.send(new DescribeCacheClustersCommand({}))).CacheClusters ?? [], []);

    for (const [key, pid] of pidsBeforeDelete) {
      await waitFor(async () => !(await isRedisServer(pid)), { timeoutMs: 10_000, what: `node ${key} (pid ${pid}) to exit` });
    }
    const ng = group.NodeGroups[0]!;
    for (const ep of [ng.PrimaryEndpoint, ng.ReaderEndpoint, ...members.map((m) => m.ReadEndpoint)]) {
      await waitFor(async () => (await tryConnect(ep.Address, ep.Port)) === 'ECONNREFUSED',
        { timeoutMs: 10_000, intervalMs: 100, what: `${ep.Address}:${ep.Port} to refuse connections` });
    }
  });
});
