/**
 * Vertical scaling as the guides show it (`aws elasticache modify-replication-group
 * --cache-node-type … --apply-immediately`), on a running service: a scale up applies live on
 * every node with the data kept; a scale down the data does not fit fails as on ElastiCache (the
 * group stays on its node type, an event says why, no key is evicted), and succeeds once the data
 * fits; a cache cluster of its own (the JS SDK) is refused the same way. The parameter group
 * reserves 90 % of each node type's memory, so tens of megabytes are enough to overflow one.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateCacheClusterCommand, DescribeCacheClustersCommand, DescribeEventsCommand, ListAllowedNodeTypeModificationsCommand, ModifyCacheClusterCommand,
} from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { redisCli } from '../helpers/e2e-exec.js';
import { awsElastiCache } from '../helpers/cluster-mode.js';
import { describeGroup, endpoint, waitAvailable } from '../helpers/groups.js';
import { waitFor } from '../../src/util/wait.js';

const MB = 1 << 20;
/** maxmemory with 90 % reserved: cache.t3.micro 51.2 MiB, cache.t3.small 140.3 MiB, cache.t3.medium 316.4 MiB. */
const data = (nodeTypeMaxmemory: number) => String(Math.floor((nodeTypeMaxmemory * 10) / 100));
const MICRO = 536870912, MEDIUM = 3317862236;

describe('vertical scaling: up live, down only when the data fits', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  const aws = (...args: string[]) => awsElastiCache(svc, ...args);

  before(async () => {
    svc = await startService(cleanup);
    await aws('create-cache-parameter-group', '--cache-parameter-group-family', 'redis7', '--cache-parameter-group-name', 'tight', '--description', 'most memory reserved');
    await aws('modify-cache-parameter-group', '--cache-parameter-group-name', 'tight', '--parameter-name-values',
      'ParameterName=reserved-memory-percent,ParameterValue=90', 'ParameterName=maxmemory-policy,ParameterValue=allkeys-lru');
  });

  /** maxmemory as each member's node reports it (INFO memory, which a customer may read). */
  async function maxmemoryOfMembers(groupId: string): Promise<string[]> {
    const out = await aws('describe-cache-clusters', '--show-cache-node-info');
    const nodes = (out.CacheClusters as any[]).filter((c) => c.ReplicationGroupId === groupId).map((c) => c.CacheNodes[0].Endpoint);
    return Promise.all(nodes.map(async (e: any) => /maxmemory:(\d+)/.exec(await redisCli(e.Address, e.Port, 'info', 'memory'))![1]!));
  }

  const fill = async (c: Redis, n: number) => {
    const batch = c.pipeline();
    for (let i = 0; i < n; i++) batch.set(`big:${i}`, Buffer.alloc(MB, i % 251));
    await batch.exec();
  };

  test('the guides\' modify-replication-group --cache-node-type --apply-immediately, up then down, with the data kept or the change refused', async () => {
    await aws('create-replication-group', '--replication-group-id', 'vertical', '--replication-group-description', 'vertical scaling',
      '--engine', 'redis', '--cache-node-type', 'cache.t3.small', '--num-cache-clusters', '2', '--cache-parameter-group-name', 'tight');
    let g = await waitAvailable(svc.client, 'vertical', 30_000);
    const primary = endpoint(g, 'PrimaryEndpoint');
    const c = new Redis({ host: primary.host, port: primary.port, maxRetriesPerRequest: 1 });
    cleanup.defer(() => c.disconnect());
    await fill(c, 80);

    // What the guides run first: the types it may scale to.
    const allowed = await aws('list-allowed-node-type-modifications', '--replication-group-id', 'vertical');
    assert.ok(allowed.ScaleUpModifications.includes('cache.t3.medium') && allowed.ScaleUpModifications.includes('cache.r7g.large'), JSON.stringify(allowed));
    assert.ok(allowed.ScaleDownModifications.includes('cache.t3.micro') && !allowed.ScaleDownModifications.includes('cache.t3.small'), JSON.stringify(allowed));
    assert.ok(![...allowed.ScaleUpModifications, ...allowed.ScaleDownModifications].some((t: string) => /^cache\.(m3|r3|r6gd)\./.test(t)),
      'no previous-generation or data-tiering type');

    // Up: live on every node, every key kept.
    const up = await aws('modify-replication-group', '--replication-group-id', 'vertical', '--cache-node-type', 'cache.t3.medium', '--apply-immediately');
    assert.equal(up.ReplicationGroup.CacheNodeType, 'cache.t3.medium');
    g = await waitAvailable(svc.client, 'vertical', 30_000, (x) => x.CacheNodeType === 'cache.t3.medium');
    await waitFor(async () => (await maxmemoryOfMembers('vertical')).every((m) => m === data(MEDIUM)), { timeoutMs: 10_000, what: 'medium\'s maxmemory on both nodes' });
    assert.equal(await c.dbsize(), 80);

    // Down to a type the 80 MiB do not fit: refused, nothing evicted, the group stays medium.
    const since = new Date();
    const down = await aws('modify-replication-group', '--replication-group-id', 'vertical', '--cache-node-type', 'cache.t3.micro', '--apply-immediately');
    assert.equal(down.ReplicationGroup.CacheNodeType, 'cache.t3.micro', 'the request is taken, as on ElastiCache');
    const failed = await waitFor(async () => (await svc.client.send(new DescribeEventsCommand({ SourceType: 'replication-group', SourceIdentifier: 'vertical', StartTime: since })))
      .Events?.find((e) => /^Failed to scale replication group vertical to cache.t3.micro/.test(e.Message ?? '')), { timeoutMs: 15_000, what: 'the failure event' });
    assert.match(failed.Message!, /its data \(\d+\.\d MiB used on a node\) does not fit the 51\.2 MiB cache\.t3\.micro gives it; it stays cache\.t3\.medium$/);
    g = await waitAvailable(svc.client, 'vertical', 30_000);
    assert.equal(g.CacheNodeType, 'cache.t3.medium');
    const clusters = (await aws('describe-cache-clusters')).CacheClusters.filter((x: any) => x.ReplicationGroupId === 'vertical');
    assert.deepEqual(clusters.map((x: any) => x.CacheNodeType), ['cache.t3.medium', 'cache.t3.medium']);
    assert.deepEqual(await maxmemoryOfMembers('vertical'), [data(MEDIUM), data(MEDIUM)]);
    assert.equal(await c.dbsize(), 80);
    assert.match(await redisCli(primary.host, primary.port, 'info', 'stats'), /evicted_keys:0\r?\n/);

    // Most of it deleted: the same scale down now happens.
    for (let i = 10; i < 80; i++) await c.del(`big:${i}`);
    await aws('modify-replication-group', '--replication-group-id', 'vertical', '--cache-node-type', 'cache.t3.micro', '--apply-immediately');
    g = await waitAvailable(svc.client, 'vertical', 30_000, (x) => x.CacheNodeType === 'cache.t3.micro');
    await waitFor(async () => (await maxmemoryOfMembers('vertical')).every((m) => m === data(MICRO)), { timeoutMs: 10_000, what: 'micro\'s maxmemory on both nodes' });
    assert.equal((await describeGroup(svc.client, 'vertical')).CacheNodeType, 'cache.t3.micro');
    assert.equal(await c.dbsize(), 10);
    assert.deepEqual(await c.getBuffer('big:9'), Buffer.alloc(MB, 9));
  });

  test('list-allowed-node-type-modifications: a cluster by its id; one id or the other, never both; unknown ids', async () => {
    const solo = await svc.client.send(new ListAllowedNodeTypeModificationsCommand({ CacheClusterId: 'vertical-001' }));
    // A member of the group above, now the smallest type there is: nothing below it, the same size in another family above.
    assert.deepEqual(solo.ScaleDownModifications, []);
    assert.ok(['cache.t3.small', 'cache.t3.medium', 'cache.t4g.micro'].every((t) => solo.ScaleUpModifications!.includes(t)), JSON.stringify(solo));
    assert.ok(!solo.ScaleUpModifications!.includes('cache.t3.micro'), 'not its own type');
    await assert.rejects(svc.client.send(new ListAllowedNodeTypeModificationsCommand({ CacheClusterId: 'vertical-001', ReplicationGroupId: 'vertical' })),
      (e: any) => /^InvalidParameterCombination/.test(e.name) && e.$metadata.httpStatusCode === 400);
    await assert.rejects(svc.client.send(new ListAllowedNodeTypeModificationsCommand({})), (e: any) => /^InvalidParameterCombination/.test(e.name));
    await assert.rejects(svc.client.send(new ListAllowedNodeTypeModificationsCommand({ ReplicationGroupId: 'nope' })),
      (e: any) => e.name === 'ReplicationGroupNotFoundFault' && e.$metadata.httpStatusCode === 404);
    await assert.rejects(svc.client.send(new ListAllowedNodeTypeModificationsCommand({ CacheClusterId: 'nope' })),
      (e: any) => /^CacheClusterNotFound/.test(e.name) && e.$metadata.httpStatusCode === 404);
  });

  test('a cache cluster of its own (the JS SDK): the same refusal', async () => {
    await svc.client.send(new CreateCacheClusterCommand({ CacheClusterId: 'solo', CacheNodeType: 'cache.t3.small', NumCacheNodes: 1, Engine: 'redis', CacheParameterGroupName: 'tight' }));
    const describe = async () => (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: 'solo', ShowCacheNodeInfo: true }))).CacheClusters![0]!;
    const ready = await waitFor(async () => { const x = await describe(); return x.CacheClusterStatus === 'available' ? x : undefined; }, { timeoutMs: 30_000, what: 'solo available' });
    const e = ready.CacheNodes![0]!.Endpoint!;
    const c = new Redis({ host: e.Address!, port: e.Port!, maxRetriesPerRequest: 1 });
    cleanup.defer(() => c.disconnect());
    await fill(c, 60);
    const since = new Date();
    await svc.client.send(new ModifyCacheClusterCommand({ CacheClusterId: 'solo', CacheNodeType: 'cache.t3.micro', ApplyImmediately: true }));
    await waitFor(async () => (await svc.client.send(new DescribeEventsCommand({ SourceType: 'cache-cluster', SourceIdentifier: 'solo', StartTime: since })))
      .Events?.some((x) => /^Failed to scale cache cluster solo to cache\.t3\.micro: .* it stays cache\.t3\.small$/.test(x.Message ?? '')), { timeoutMs: 15_000, what: 'the failure event' });
    const after = await waitFor(async () => { const x = await describe(); return x.CacheClusterStatus === 'available' ? x : undefined; }, { timeoutMs: 30_000, what: 'solo available again' });
    assert.equal(after.CacheNodeType, 'cache.t3.small');
    assert.equal(await c.dbsize(), 60);
  });
});
