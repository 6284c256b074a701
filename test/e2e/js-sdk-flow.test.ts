/**
 * The flow with the AWS SDK for JavaScript v3 and ioredis: a standalone cache cluster, a
 * parameter change that waits for a reboot (pending-reboot → RebootCacheCluster → in-sync, data
 * kept), tags on cluster and replication group ARNs, and a replication group placed in the
 * availability zones asked for, read through its reader endpoint. The SDK's own waiters are used.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToResourceCommand, CreateCacheClusterCommand, CreateCacheParameterGroupCommand, CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand, DeleteCacheClusterCommand, DeleteReplicationGroupCommand, DescribeCacheClustersCommand,
  DescribeCacheParametersCommand, DescribeReplicationGroupsCommand, ListTagsForResourceCommand,
  ModifyCacheParameterGroupCommand, RebootCacheClusterCommand, RemoveTagsFromResourceCommand,
  waitUntilReplicationGroupAvailable, waitUntilReplicationGroupDeleted,
  type CacheCluster, type Parameter, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { configGet, connectRedis, inCidr, isRedisServer, nodePids } from '../helpers/e2e-nodes.js';
import { adminRedis } from '../helpers/node-admin.js';
import { waitFor } from '../../src/util/wait.js';

const CLUSTER = 'js-standalone';
const GROUP = 'js-group';

/** A parameter change that only a reboot applies, and how to see that it is live on a node. */
interface RebootChange {
  name: string;
  value: string;
  live: (c: Redis) => Promise<boolean>;
  why: string;
}

/** Another value AllowedValues permits ("a,b,c" or "lo-hi" ranges), different from the current one. */
function otherValue(p: Parameter): string | undefined {
  const current = p.ParameterValue ?? '';
  for (const part of (p.AllowedValues ?? '').split(',')) {
    const range = /^(-?\d+)-(-?\d+)?$/.exec(part);
    if (range && p.DataType === 'integer') {
      const lo = Number(range[1]);
      const hi = range[2] === undefined ? Number.MAX_SAFE_INTEGER : Number(range[2]);
      const candidate = Number(current) + 1 <= hi ? Number(current) + 1 : lo;
      if (String(candidate) !== current && candidate >= lo && candidate <= hi) return String(candidate);
    } else if (!range && part !== '' && part !== current) {
      return part;
    }
  }
  return undefined;
}

describe('AWS SDK for JavaScript v3 and ioredis', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let cluster: CacheCluster;

  async function describeCluster(id = CLUSTER): Promise<CacheCluster> {
    const out = await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
    return out.CacheClusters![0]!;
  }

  async function nodeClient(c: CacheCluster): Promise<Redis> {
    const ep = c.CacheNodes![0]!.Endpoint!;
    return connectRedis(cleanup, ep.Address!, ep.Port!);
  }

  before(async () => {
    svc = await startService(cleanup);
    const { client } = svc;
    await client.send(new CreateCacheParameterGroupCommand({
      CacheParameterGroupName: 'js-params', CacheParameterGroupFamily: 'redis7', Description: 'for the reboot test' }));
    await client.send(new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: 'js-subnets', CacheSubnetGroupDescription: 'three zones',
      SubnetIds: ['subnet-aaaa1111', 'subnet-bbbb2222', 'subnet-cccc3333'] }));
    const created = await client.send(new CreateCacheClusterCommand({
      CacheClusterId: CLUSTER, Engine: 'redis', CacheNodeType: 'cache.t3.micro', NumCacheNodes: 1,
      CacheParameterGroupName: 'js-params', CacheSubnetGroupName: 'js-subnets' }));
    assert.equal(created.CacheCluster?.CacheClusterStatus, 'creating');
    // Created now, waited for in its own test: both converge meanwhile.
    const group = await client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'placed by AZ', CacheNodeType: 'cache.t3.micro',
      ReplicasPerNodeGroup: 1, PreferredCacheClusterAZs: ['us-east-1c', 'us-east-1a'], CacheSubnetGroupName: 'js-subnets' }));
    assert.equal(group.ReplicationGroup?.Status, 'creating');
  });

  test('CreateCacheCluster: the standalone cluster becomes available; SET/GET on its node endpoint', async () => {
    cluster = await waitFor(async () => {
      const c = await describeCluster();
      return c.CacheClusterStatus === 'available' ? c : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, what: `${CLUSTER} to be available` });
    assert.equal(cluster.NumCacheNodes, 1);
    assert.equal(cluster.ReplicationGroupId, undefined);
    assert.equal(cluster.CacheParameterGroup?.ParameterApplyStatus, 'in-sync');
    const ep = cluster.CacheNodes![0]!.Endpoint!;
    assert.ok(inCidr(ep.Address!, svc.cidr));
    const redis = await nodeClient(cluster);
    assert.equal(await redis.set('before-reboot', 'kept'), 'OK');
    assert.equal(await redis.get('before-reboot'), 'kept');
    assert.match((await redis.call('ROLE') as string[])[0]!, /^master$/);
  });

  test('a requires-reboot parameter change: pending-reboot, RebootCacheCluster, in-sync, value live, data kept', async (t) => {
    const params: Parameter[] = [];
    let marker: string | undefined;
    do {
      const page = await svc.client.send(new DescribeCacheParametersCommand({ CacheParameterGroupName: 'js-params', Marker: marker }));
      params.push(...(page.Parameters ?? []));
      marker = page.Marker;
    } while (marker);
    assert.ok(params.length > 20);

    let change: RebootChange | undefined;
    // cluster-enabled switches cluster mode, which a cluster-mode-disabled cluster cannot take (AWS refuses too).
    const candidates = params.filter((p) => p.IsModifiable && p.ChangeType === 'requires-reboot' && p.ParameterName !== 'cluster-enabled');
    t.diagnostic(`modifiable requires-reboot parameters: ${candidates.map((p) => p.ParameterName).join(', ') || 'none'}`);
    for (const p of candidates) {
      const value = otherValue(p);
      if (value === undefined) continue;
      // CONFIG is a restricted command: read as the service's user, on the node the client is connected to.
      change = { name: p.ParameterName!, value, live: async (c) => (await configGet(await adminRedis(cleanup, svc.dataDir, c.options.host!, c.options.port!), p.ParameterName!)) === value,
        why: `modifiable requires-reboot parameter ${p.ParameterName}` };
      break;
    }
    if (!change) {
      // Reported: the redis7 family lists no parameter that is modifiable and requires-reboot. The service applies
      // rename-commands (ChangeType "immediate" in DescribeCacheParameters) by restarting the node, so it is the
      // one change that goes through pending-reboot; the reboot flow is tested with it.
      t.diagnostic(`no modifiable requires-reboot parameter among ${params.length} (requires-reboot ones: ` +
        `${params.filter((p) => p.ChangeType === 'requires-reboot').map((p) => `${p.ParameterName} modifiable=${p.IsModifiable}`).join(', ')}); ` +
        'using rename-commands, which the service applies at reboot');
      change = {
        name: 'rename-commands', value: 'echo cfecho',
        live: async (c) => (await c.call('cfecho', 'hi').catch(() => undefined)) === 'hi'
          && (await c.call('echo', 'hi').then(() => false, () => true)),
        why: 'rename-commands',
      };
    }

    await svc.client.send(new ModifyCacheParameterGroupCommand({
      CacheParameterGroupName: 'js-params', ParameterNameValues: [{ ParameterName: change.name, ParameterValue: change.value }] }));
    const pending = await waitFor(async () => {
      const c = await describeCluster();
      return c.CacheParameterGroup?.ParameterApplyStatus === 'pending-reboot' ? c : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, what: `${change.why} to be pending-reboot` });
    assert.deepEqual(pending.CacheParameterGroup?.CacheNodeIdsToReboot, ['0001']);
    assert.equal(pending.CacheNodes![0]!.ParameterGroupStatus, 'pending-reboot');
    assert.equal(pending.CacheClusterStatus, 'available');
    const before = await nodeClient(pending);
    assert.equal(await change.live(before), false, `${change.why} must not be live before the reboot`);
    const runIdBefore = /run_id:(\w+)/.exec(await before.info('server'))?.[1];

    const rebooting = await svc.client.send(new RebootCacheClusterCommand({ CacheClusterId: CLUSTER, CacheNodeIdsToReboot: ['0001'] }));
    assert.equal(rebooting.CacheCluster?.CacheClusterStatus, 'rebooting cache cluster nodes');
    const after = await waitFor(async () => {
      const c = await describeCluster();
      return c.CacheClusterStatus === 'available' && c.CacheNodes![0]!.CacheNodeStatus === 'available' ? c : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100, what: `${CLUSTER} to be available after the reboot` });
    assert.deepEqual(after.CacheNodes![0]!.Endpoint, cluster.CacheNodes![0]!.Endpoint, 'the node keeps its endpoint');

    const redis = await nodeClient(after);
    const runIdAfter = /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
    assert.notEqual(runIdAfter, runIdBefore, 'the node process was restarted');
    assert.equal(await change.live(redis), true, `${change.why} is live after the reboot`);
    assert.equal(await redis.get('before-reboot'), 'kept', 'the key written before the reboot is still there');

    // The reboot applied the change: the cluster must report it in-sync (not ask for another reboot).
    let last: CacheCluster = after;
    const inSync = await waitFor(async () => {
      last = await describeCluster();
      return last.CacheParameterGroup?.ParameterApplyStatus === 'in-sync' ? last : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, what: 'in-sync after the reboot' }).catch(() => undefined);
    assert.ok(inSync, `after the reboot (value live on the node) the cluster still reports ` +
      `ParameterApplyStatus=${last.CacheParameterGroup?.ParameterApplyStatus}, ` +
      `CacheNodeIdsToReboot=${JSON.stringify(last.CacheParameterGroup?.CacheNodeIdsToReboot)}, ` +
      `node ParameterGroupStatus=${last.CacheNodes?.[0]?.ParameterGroupStatus}`);
    assert.deepEqual(inSync.CacheParameterGroup?.CacheNodeIdsToReboot ?? [], []);
    assert.equal(inSync.CacheNodes![0]!.ParameterGroupStatus, 'in-sync');
  });

  test('tags: Add/List/Remove on the cache cluster ARN', async () => {
    const arn = cluster.ARN!;
    assert.match(arn, /^arn:aws:elasticache:us-east-1:\d{12}:cluster:js-standalone$/);
    const added = await svc.client.send(new AddTagsToResourceCommand({ ResourceName: arn,
      Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'e2e' }] }));
    assert.deepEqual(added.TagList, [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'e2e' }]);
    assert.deepEqual((await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList,
      [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'e2e' }]);
    const removed = await svc.client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: ['env'] }));
    assert.deepEqual(removed.TagList, [{ Key: 'owner', Value: 'e2e' }]);
    assert.deepEqual((await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList,
      [{ Key: 'owner', Value: 'e2e' }]);
  });

  test('replication group with ReplicasPerNodeGroup 1 and PreferredCacheClusterAZs: placement, writes and reads', async () => {
    await waitUntilReplicationGroupAvailable({ client: svc.client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { ReplicationGroupId: GROUP });
    const g: ReplicationGroup = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
    assert.equal(g.Status, 'available');
    assert.deepEqual(g.MemberClusters, [`${GROUP}-001`, `${GROUP}-002`]);
    const ng = g.NodeGroups![0]!;
    assert.deepEqual(ng.NodeGroupMembers!.map((m) => [m.CacheClusterId, m.CurrentRole, m.PreferredAvailabilityZone]),
      [[`${GROUP}-001`, 'primary', 'us-east-1c'], [`${GROUP}-002`, 'replica', 'us-east-1a']]);
    for (const id of g.MemberClusters!) {
      const c = await describeCluster(id);
      const m = ng.NodeGroupMembers!.find((x) => x.CacheClusterId === id)!;
      assert.equal(c.PreferredAvailabilityZone, m.PreferredAvailabilityZone, `${id} reports the AZ it was placed in`);
      assert.equal(c.CacheNodes![0]!.CustomerAvailabilityZone, m.PreferredAvailabilityZone);
    }

    const primary = await connectRedis(cleanup, ng.PrimaryEndpoint!.Address!, ng.PrimaryEndpoint!.Port!);
    const reader = await connectRedis(cleanup, ng.ReaderEndpoint!.Address!, ng.ReaderEndpoint!.Port!);
    for (let i = 0; i < 50; i++) assert.equal(await primary.set(`js:${i}`, `v${i}`), 'OK');
    await waitFor(async () => (await reader.get('js:49')) === 'v49', { timeoutMs: 10_000, intervalMs: 50, what: 'the reader to see js:49' });
    assert.deepEqual(await reader.mget(...Array.from({ length: 50 }, (_, i) => `js:${i}`)), Array.from({ length: 50 }, (_, i) => `v${i}`));
    assert.equal((await reader.call('ROLE') as string[])[0], 'slave');
    await assert.rejects(reader.set('js:via-reader', 'x'), /READONLY/);
  });

  test('tags: Add/List/Remove on the replication group ARN', async () => {
    const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
    const arn = g.ARN!;
    assert.match(arn, /^arn:aws:elasticache:us-east-1:\d{12}:replicationgroup:js-group$/);
    await svc.client.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'tier', Value: 'cache' }, { Key: 'cost', Value: '42' }] }));
    await svc.client.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'tier', Value: 'hot' }] }));
    assert.deepEqual((await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList,
      [{ Key: 'tier', Value: 'hot' }, { Key: 'cost', Value: '42' }]);
    await svc.client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: ['tier', 'cost'] }));
    assert.deepEqual((await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList ?? [], []);
    // Tags of one resource are not another's.
    assert.deepEqual((await svc.client.send(new ListTagsForResourceCommand({ ResourceName: cluster.ARN! }))).TagList,
      [{ Key: 'owner', Value: 'e2e' }]);
  });

  test('DeleteReplicationGroup with waitUntilReplicationGroupDeleted, DeleteCacheCluster: nodes stop', async () => {
    const pids = await nodePids(svc.dataDir);
    assert.deepEqual([...pids.keys()].sort(), [`${GROUP}-001-0001`, `${GROUP}-002-0001`, `${CLUSTER}-0001`]);
    await svc.client.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: GROUP }));
    const deleted = await svc.client.send(new DeleteCacheClusterCommand({ CacheClusterId: CLUSTER }));
    assert.equal(deleted.CacheCluster?.CacheClusterStatus, 'deleting');
    await waitUntilReplicationGroupDeleted({ client: svc.client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { ReplicationGroupId: GROUP });
    await waitFor(async () => {
      try {
        await describeCluster();
        return false;
      } catch (e) {
        if ((e as Error).name === 'CacheClusterNotFoundFault') return true;
        throw e;
      }
    }, { timeoutMs: 20_000, intervalMs: 100, what: `${CLUSTER} to be gone` });
    for (const [key, pid] of pids) {
      await waitFor(async () => !(await isRedisServer(pid)), { timeoutMs: 10_000, what: `node ${key} (pid ${pid}) to exit` });
    }
    assert.deepEqual((await svc.client.send(new DescribeCacheClustersCommand({}))).CacheClusters ?? [], []);
  });
});
