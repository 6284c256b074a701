/**
 * Serverless cache actions on the test services: what Create records (the cache and its hidden
 * backing group in one commit), how Describe, Modify and Delete show and change it, and that the
 * backing group stays out of every customer-facing view (describes, events, deletes, tags) while
 * user groups list the cache under ServerlessCaches.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import AddTagsToResource from './AddTagsToResource.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import DeleteServerlessCache from './DeleteServerlessCache.js';
import DescribeCacheClusters from './DescribeCacheClusters.js';
import DescribeEvents from './DescribeEvents.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import DescribeServerlessCaches from './DescribeServerlessCaches.js';
import DescribeUserGroups from './DescribeUserGroups.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyServerlessCache from './ModifyServerlessCache.js';
import { activeUserGroup, createCache, setServerlessStatus } from './serverless-fixtures.js';
import { assertFault, fakeEngine, makeTestServices, type TestServices } from './test-services.js';
import { getGroup, getServerlessCache } from '../../store/index.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices({ engines: [fakeEngine()] }); });
afterEach(async () => { await t.close(); });

const ARN = 'arn:aws:elasticache:us-east-1:123456789012:serverlesscache:orders';

test('CreateServerlessCache records the cache and a hidden cluster-mode backing group, and returns at once in creating', async () => {
  const out = await createCache(t, 'Orders', {
    Description: 'order cache', MajorEngineVersion: '7',
    CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000, Minimum: 1000 } },
    Tags: [{ Key: 'team', Value: 'shop' }], SnapshotRetentionLimit: 3, DailySnapshotTime: '05:00',
  });
  const c = out.ServerlessCache;
  assert.equal(c.ServerlessCacheName, 'orders');
  assert.equal(c.Status, 'creating');
  assert.equal(c.ARN, ARN);
  assert.equal(c.Engine, 'redis');
  assert.equal(c.MajorEngineVersion, '7');
  assert.equal(c.FullEngineVersion, '7.0');
  assert.equal(c.Endpoint.Port, 6379);
  assert.equal(c.ReaderEndpoint.Port, 6380);
  assert.equal(c.Endpoint.Address, c.ReaderEndpoint.Address);
  assert.match(c.Endpoint.Address, /^127\.77\./);
  assert.deepEqual(c.CacheUsageLimits, { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000, Minimum: 1000 } });
  assert.equal(c.SnapshotRetentionLimit, 3);
  assert.equal(c.DailySnapshotTime, '05:00');
  assert.ok(c.SubnetIds.length > 0, 'the default subnet group\'s subnets');
  assert.ok(c.CreateTime instanceof Date);
  assert.ok(t.kicks() > 0);

  // The backing group: one shard of a primary and a replica in another AZ, cluster mode, the service's node type.
  const g = (await getGroup(t.store, 'serverless--orders'))!.doc;
  assert.equal(g.clusterEnabled, true);
  assert.equal(g.nodeGroups?.length, 1);
  assert.equal(g.memberClusters.length, 2);
  assert.equal(g.cacheNodeType, 'cache.m7g.large');
  assert.equal(g.auth?.passwordless, false, 'the nodes\' default user is locked until the controller sets the endpoint\'s login');
  // Automatic backups of the cache are the backing group's, in the hour from DailySnapshotTime.
  assert.equal(g.snapshotRetentionLimit, 3);
  assert.equal(g.snapshotWindow, '05:00-06:00');
  assert.equal(g.preferredMaintenanceWindow, 'sun:17:00-sun:18:00');
  const members = await Promise.all(g.memberClusters.map((id) => t.store.get('cacheCluster', id)));
  assert.notEqual(members[0]!.doc.preferredAvailabilityZone, members[1]!.doc.preferredAvailabilityZone);
  assert.notEqual(g.configurationEndpoint!.address, c.Endpoint.Address);

  // Hidden from the customer's views and deletes.
  assert.deepEqual((await t.call(DescribeReplicationGroups, {})).ReplicationGroups, []);
  assert.deepEqual((await t.call(DescribeCacheClusters, {})).CacheClusters, []);
  await assertFault(t.call(DescribeReplicationGroups, { ReplicationGroupId: 'serverless--orders' }), 'ReplicationGroupNotFoundFault');
  await assertFault(t.call(DeleteReplicationGroup, { ReplicationGroupId: 'serverless--orders' }), 'ReplicationGroupNotFoundFault');
  await assertFault(t.call(AddTagsToResource, { ResourceName: g.arn, Tags: [{ Key: 'a', Value: 'b' }] }), 'ReplicationGroupNotFoundFault');

  // Tags and events under the serverless ARN and source type.
  assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: ARN })).TagList, [{ Key: 'team', Value: 'shop' }]);
  const events = (await t.call(DescribeEvents, {})).Events;
  assert.deepEqual(events.map((e: any) => [e.SourceType, e.SourceIdentifier]), [['serverless-cache', 'orders']]);

  const described = (await t.call(DescribeServerlessCaches, { ServerlessCacheName: 'ORDERS' })).ServerlessCaches;
  assert.equal(described[0].ServerlessCacheName, 'orders');
});

test('CacheUsageLimits minimums pre-scale the backing group at creation (shards enough to hold them under the scale-out thresholds)', async () => {
  // The default shard holds 0.75 × 4.8 GB under the threshold: 10 GB need 3 shards; ECPU/s 120,000 at 50,000 a shard: 3.
  await createCache(t, 'big', { CacheUsageLimits: { DataStorage: { Minimum: 10, Unit: 'GB' } } });
  const big = (await getGroup(t.store, 'serverless--big'))!.doc;
  assert.deepEqual(big.nodeGroups!.map((ng) => ng.slots), ['0-5461', '5462-10922', '10923-16383']);
  assert.equal(big.memberClusters.length, 6, 'a primary and a replica each');
  await createCache(t, 'busy', { CacheUsageLimits: { ECPUPerSecond: { Minimum: 120_000 } } });
  assert.equal((await getGroup(t.store, 'serverless--busy'))!.doc.nodeGroups!.length, 3);
  await createCache(t, 'small', { CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' } } });
  assert.equal((await getGroup(t.store, 'serverless--small'))!.doc.nodeGroups!.length, 1);
});

test('DescribeServerlessCaches pages by name with MaxResults and NextToken', async () => {
  for (const n of ['c3', 'c1', 'c2']) await createCache(t, n);
  const first = await t.call(DescribeServerlessCaches, { MaxResults: 2 });
  assert.deepEqual(first.ServerlessCaches.map((c: any) => c.ServerlessCacheName), ['c1', 'c2']);
  const second = await t.call(DescribeServerlessCaches, { MaxResults: 2, NextToken: first.NextToken });
  assert.deepEqual(second.ServerlessCaches.map((c: any) => c.ServerlessCacheName), ['c3']);
  assert.equal(second.NextToken, undefined);
});

test('a user group attached at creation lists the cache under ServerlessCaches, not the backing group', async () => {
  await activeUserGroup(t, 'app-users');
  const out = await createCache(t, 'orders', { UserGroupId: 'app-users' });
  assert.equal(out.ServerlessCache.UserGroupId, 'app-users');
  const ug = (await t.call(DescribeUserGroups, { UserGroupId: 'app-users' })).UserGroups[0];
  assert.deepEqual(ug.ServerlessCaches, ['orders']);
  assert.deepEqual(ug.ReplicationGroups, []);
  const g = (await getGroup(t.store, 'serverless--orders'))!.doc;
  assert.deepEqual(g.userGroupIds, ['app-users']);
});

test('ModifyServerlessCache: limits and security groups bump the generation (modifying until observed); a user group moves the nodes to RBAC', async () => {
  await createCache(t, 'orders');
  await assertFault(t.call(ModifyServerlessCache, { ServerlessCacheName: 'orders', Description: 'x' }), 'InvalidServerlessCacheStateFault');
  await setServerlessStatus(t.store, 'orders', 'available');
  const out = await t.call(ModifyServerlessCache, {
    ServerlessCacheName: 'orders', Description: 'new', CacheUsageLimits: { ECPUPerSecond: { Maximum: 20000 } },
    SnapshotRetentionLimit: 7, DailySnapshotTime: '06:30',
  });
  assert.equal(out.ServerlessCache.Status, 'modifying');
  assert.equal(out.ServerlessCache.Description, 'new');
  assert.deepEqual(out.ServerlessCache.CacheUsageLimits, { ECPUPerSecond: { Maximum: 20000 } });
  assert.equal(out.ServerlessCache.SnapshotRetentionLimit, 7);
  assert.equal((await getServerlessCache(t.store, 'orders'))!.spec.generation, 2);
  const backed = (await getGroup(t.store, 'serverless--orders'))!.doc;
  assert.deepEqual([backed.snapshotRetentionLimit, backed.snapshotWindow], [7, '06:30-07:30']);

  await setServerlessStatus(t.store, 'orders', 'available');
  await activeUserGroup(t, 'app-users');
  const before = (await getGroup(t.store, 'serverless--orders'))!.doc;
  await t.call(ModifyServerlessCache, { ServerlessCacheName: 'orders', UserGroupId: 'app-users', SnapshotRetentionLimit: 1 });
  const g = (await getGroup(t.store, 'serverless--orders'))!.doc;
  assert.deepEqual(g.userGroupIds, ['app-users']);
  assert.deepEqual(g.pending.userGroups, { add: ['app-users'], remove: [] });
  assert.equal(g.auth?.passwordless, true);
  assert.equal(g.auth?.version, (before.auth?.version ?? 0) + 1);
  assert.equal(g.snapshotRetentionLimit, 1, 'the backup setting in the same write as the user group');
  assert.deepEqual((await t.call(DescribeUserGroups, { UserGroupId: 'app-users' })).UserGroups[0].ServerlessCaches, ['orders']);

  await setServerlessStatus(t.store, 'orders', 'available');
  await t.call(ModifyServerlessCache, { ServerlessCacheName: 'orders', RemoveUserGroup: true });
  const after = (await getGroup(t.store, 'serverless--orders'))!.doc;
  assert.deepEqual(after.userGroupIds, []);
  assert.equal(after.auth?.passwordless, false);
  assert.equal((await getServerlessCache(t.store, 'orders'))!.spec.userGroupId, undefined);
});

test('DeleteServerlessCache shows deleting and asks for the backing group\'s deletion in the same commit', async () => {
  await createCache(t, 'orders');
  await assertFault(t.call(DeleteServerlessCache, { ServerlessCacheName: 'orders' }), 'InvalidServerlessCacheStateFault');
  await setServerlessStatus(t.store, 'orders', 'available');
  const out = await t.call(DeleteServerlessCache, { ServerlessCacheName: 'orders' });
  assert.equal(out.ServerlessCache.Status, 'deleting');
  assert.equal((await getGroup(t.store, 'serverless--orders'))!.spec.deleteRequested, true);
  const described = (await t.call(DescribeServerlessCaches, {})).ServerlessCaches;
  assert.equal(described[0].Status, 'deleting');
  await assertFault(t.call(DeleteServerlessCache, { ServerlessCacheName: 'orders' }), 'InvalidServerlessCacheStateFault');
});
