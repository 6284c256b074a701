import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { ensureBuiltIns } from '../../resources/built-ins.js';
import CreateCacheSubnetGroup from './CreateCacheSubnetGroup.js';
import DeleteCacheSubnetGroup from './DeleteCacheSubnetGroup.js';
import DescribeCacheSubnetGroups from './DescribeCacheSubnetGroups.js';
import ModifyCacheSubnetGroup from './ModifyCacheSubnetGroup.js';
import ListTagsForResource from './ListTagsForResource.js';
import { assertFault, assertFaultChangesNothing, insertCacheCluster, makeTestServices, storeSnapshot, type TestServices } from './test-services.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices(); });
afterEach(async () => { await t.close(); });

const create = (name: string, subnetIds: string[], extra: object = {}) =>
  t.call(CreateCacheSubnetGroup, { CacheSubnetGroupName: name, CacheSubnetGroupDescription: `${name} subnets`, SubnetIds: subnetIds, ...extra });

test('the built-in default subnet group has three subnets in three zones', async () => {
  const out = await t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'default' });
  const g = out.CacheSubnetGroups[0];
  assert.equal(g.CacheSubnetGroupName, 'default');
  assert.match(g.VpcId, /^vpc-[0-9a-f]{8}$/);
  assert.deepEqual(g.Subnets.map((s: any) => [s.SubnetIdentifier, s.SubnetAvailabilityZone.Name]),
    [['subnet-default-a', 'us-east-1a'], ['subnet-default-b', 'us-east-1b'], ['subnet-default-c', 'us-east-1c']]);
  assert.deepEqual(g.SupportedNetworkTypes, ['ipv4']);
  assert.equal(g.ARN, 'arn:aws:elasticache:us-east-1:123456789012:subnetgroup:default');
});

test('ensureBuiltIns is idempotent', async () => {
  const before = await storeSnapshot(t.svc);
  await ensureBuiltIns(t.svc);
  await ensureBuiltIns(t.svc);
  assert.equal(await storeSnapshot(t.svc), before);
});

test('create stores the group lowercase with zones by position, the VPC id of the account and its tags', async () => {
  const out = await create('My-Group', ['subnet-1', 'subnet-2'], { Tags: [{ Key: 'team', Value: 'cache' }] });
  const g = out.CacheSubnetGroup;
  assert.equal(g.CacheSubnetGroupName, 'my-group');
  assert.equal(g.CacheSubnetGroupDescription, 'My-Group subnets');
  assert.deepEqual(g.Subnets.map((s: any) => s.SubnetAvailabilityZone.Name), ['us-east-1a', 'us-east-1b']);
  const dflt = (await t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'default' })).CacheSubnetGroups[0];
  assert.equal(g.VpcId, dflt.VpcId);
  const tags = await t.call(ListTagsForResource, { ResourceName: g.ARN });
  assert.deepEqual(tags.TagList, [{ Key: 'team', Value: 'cache' }]);
  // Case-insensitive lookups.
  const again = await t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'MY-GROUP' });
  assert.equal(again.CacheSubnetGroups[0].CacheSubnetGroupName, 'my-group');
});

test('create refuses bad input and changes nothing', async () => {
  await create('taken', ['subnet-1']);
  const cases: [string, () => Promise<unknown>][] = [
    ['CacheSubnetGroupAlreadyExists', () => create('TAKEN', ['subnet-9'])],
    ['CacheSubnetGroupAlreadyExists', () => create('default', ['subnet-9'])],
    ['InvalidParameterValue', () => create('dup', ['subnet-1', 'subnet-1'])],
    ['InvalidParameterValue', () => create('none', [])],
    ['InvalidParameterValue', () => create('bad/name', ['subnet-1'])],
    ['InvalidSubnet', () => create('bad-subnet', ['subnet 1'])],
    ['CacheSubnetQuotaExceededFault', () => create('big', Array.from({ length: 21 }, (_, i) => `subnet-${i}`))],
    ['InvalidParameterValue', () => create('badtag', ['subnet-1'], { Tags: [{ Key: 'aws:x', Value: 'y' }] })],
    ['TagQuotaPerResourceExceeded', () => create('manytags', ['subnet-1'],
      { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })],
  ];
  for (const [code, fn] of cases) await assertFaultChangesNothing(t.svc, fn, code);
});

test('at most 20 subnets and 50 groups', async () => {
  await create('twenty', Array.from({ length: 20 }, (_, i) => `subnet-${i}`));
  for (let i = 2; i < 50; i++) await create(`g${i}`, ['subnet-1']); // with default and "twenty": 50
  const err = await assertFaultChangesNothing(t.svc, () => create('one-more', ['subnet-1']), 'CacheSubnetGroupQuotaExceeded');
  assert.equal(err.httpStatus, 400);
});

test('describe pages with MaxRecords and Marker', async () => {
  for (let i = 0; i < 25; i++) await create(`g${String(i).padStart(2, '0')}`, ['subnet-1']);
  const first = await t.call(DescribeCacheSubnetGroups, { MaxRecords: 20 });
  assert.equal(first.CacheSubnetGroups.length, 20);
  assert.ok(first.Marker);
  const second = await t.call(DescribeCacheSubnetGroups, { MaxRecords: 20, Marker: first.Marker });
  assert.equal(second.CacheSubnetGroups.length, 6);
  assert.equal(second.Marker, undefined);
  await assertFault(t.call(DescribeCacheSubnetGroups, { MaxRecords: 5 }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'nope' }), 'CacheSubnetGroupNotFoundFault', 400);
});

test('modify changes the description and subnets, keeping zones used by nodes', async () => {
  await create('app', ['subnet-1', 'subnet-2']);
  const out = await t.call(ModifyCacheSubnetGroup, { CacheSubnetGroupName: 'app', CacheSubnetGroupDescription: 'new' });
  assert.equal(out.CacheSubnetGroup.CacheSubnetGroupDescription, 'new');
  assert.equal(out.CacheSubnetGroup.Subnets.length, 2);

  const grown = await t.call(ModifyCacheSubnetGroup, { CacheSubnetGroupName: 'app', SubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'] });
  assert.deepEqual(grown.CacheSubnetGroup.Subnets.map((s: any) => s.SubnetAvailabilityZone.Name), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
  assert.equal(grown.CacheSubnetGroup.CacheSubnetGroupDescription, 'new');

  await insertCacheCluster(t.svc, 'c1', { cacheSubnetGroupName: 'app', preferredAvailabilityZone: 'us-east-1c' });
  await assertFaultChangesNothing(t.svc,
    () => t.call(ModifyCacheSubnetGroup, { CacheSubnetGroupName: 'app', SubnetIds: ['subnet-1', 'subnet-2'] }), 'SubnetInUse');
  await assertFaultChangesNothing(t.svc,
    () => t.call(ModifyCacheSubnetGroup, { CacheSubnetGroupName: 'app', SubnetIds: ['a', 'a'] }), 'InvalidParameterValue');
  await assertFaultChangesNothing(t.svc,
    () => t.call(ModifyCacheSubnetGroup, { CacheSubnetGroupName: 'gone', CacheSubnetGroupDescription: 'x' }), 'CacheSubnetGroupNotFoundFault');
});

test('delete refuses the default group and groups in use, and removes the tags', async () => {
  const g = (await create('app', ['subnet-1'], { Tags: [{ Key: 'a', Value: 'b' }] })).CacheSubnetGroup;
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteCacheSubnetGroup, { CacheSubnetGroupName: 'default' }), 'InvalidParameterValue');
  await insertCacheCluster(t.svc, 'c1', { cacheSubnetGroupName: 'app' });
  const err = await assertFaultChangesNothing(t.svc, () => t.call(DeleteCacheSubnetGroup, { CacheSubnetGroupName: 'app' }), 'CacheSubnetGroupInUse');
  assert.match(err.message, /c1/);
  await t.store.commit([{ op: 'delete', kind: 'cacheCluster', id: 'c1' }]);

  await t.call(DeleteCacheSubnetGroup, { CacheSubnetGroupName: 'APP' });
  await assertFault(t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'app' }), 'CacheSubnetGroupNotFoundFault');
  assert.equal(await t.store.get('tags', g.ARN), undefined);
  await assertFault(t.call(DeleteCacheSubnetGroup, { CacheSubnetGroupName: 'app' }), 'CacheSubnetGroupNotFoundFault');
  // The name can be used again, without the old tags.
  const again = await create('app', ['subnet-1']);
  assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: again.CacheSubnetGroup.ARN })).TagList, []);
});
