import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { familyParameters } from '../../catalog/parameters.js';
import { ensureBuiltIns } from '../../resources/built-ins.js';
import CreateCacheParameterGroup from './CreateCacheParameterGroup.js';
import DeleteCacheParameterGroup from './DeleteCacheParameterGroup.js';
import DescribeCacheParameterGroups from './DescribeCacheParameterGroups.js';
import DescribeCacheParameters from './DescribeCacheParameters.js';
import DescribeEngineDefaultParameters from './DescribeEngineDefaultParameters.js';
import DescribeEvents from './DescribeEvents.js';
import ListTagsForResource from './ListTagsForResource.js';
import ModifyCacheParameterGroup from './ModifyCacheParameterGroup.js';
import ResetCacheParameterGroup from './ResetCacheParameterGroup.js';
import { assertFault, assertFaultChangesNothing, insertCacheCluster, makeTestServices, type TestServices } from './test-services.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices(); });
afterEach(async () => { await t.close(); });

const create = (name: string, extra: object = {}) =>
  t.call(CreateCacheParameterGroup, { CacheParameterGroupName: name, CacheParameterGroupFamily: 'redis7', Description: `${name} params`, ...extra });
const modify = (name: string, pairs: [string, string | undefined][]) =>
  t.call(ModifyCacheParameterGroup, { CacheParameterGroupName: name,
    ParameterNameValues: pairs.map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue })) });
async function params(name: string, source?: string): Promise<Record<string, { value?: string; source: string }>> {
  const out: Record<string, { value?: string; source: string }> = {};
  let marker: string | undefined;
  do {
    const page = await t.call(DescribeCacheParameters, { CacheParameterGroupName: name, Source: source, Marker: marker });
    for (const p of page.Parameters) out[p.ParameterName] = { value: p.ParameterValue, source: p.Source };
    marker = page.Marker;
  } while (marker);
  return out;
}

test('the built-in groups exist; cluster.on enables cluster mode', async () => {
  const all = await t.call(DescribeCacheParameterGroups, {});
  assert.deepEqual(all.CacheParameterGroups.map((g: any) => g.CacheParameterGroupName), ['default.redis7', 'default.redis7.cluster.on']);
  assert.equal(all.CacheParameterGroups[0].ARN, 'arn:aws:elasticache:us-east-1:123456789012:parametergroup:default.redis7');
  assert.equal(all.CacheParameterGroups[0].IsGlobal, false);
  assert.equal((await params('default.redis7'))['cluster-enabled']!.value, 'no');
  assert.equal((await params('default.redis7.cluster.on'))['cluster-enabled']!.value, 'yes');
});

test('ensureBuiltIns brings a stale built-in group back to its definition, bumping its version', async () => {
  const stored = (await t.store.get('cacheParameterGroup', 'default.redis7.cluster.on'))!;
  await t.store.commit([{ op: 'update', kind: 'cacheParameterGroup', id: stored.id,
    doc: { ...stored.doc, values: {}, description: 'old' } }]);
  await ensureBuiltIns(t.svc);
  const fixed = (await t.store.get('cacheParameterGroup', 'default.redis7.cluster.on'))!.doc;
  assert.deepEqual(fixed.values, { 'cluster-enabled': 'yes' });
  assert.equal(fixed.version, stored.doc.version + 1);
  assert.equal(fixed.createdAt, stored.doc.createdAt);
});

test('create: a copy of the family defaults, with tags; name and family rules', async () => {
  const out = await create('My-Params', { Tags: [{ Key: 'env', Value: 'dev' }] });
  assert.deepEqual(out.CacheParameterGroup, {
    CacheParameterGroupName: 'my-params', CacheParameterGroupFamily: 'redis7', Description: 'My-Params params', IsGlobal: false,
    ARN: 'arn:aws:elasticache:us-east-1:123456789012:parametergroup:my-params',
  });
  assert.deepEqual((await t.call(ListTagsForResource, { ResourceName: out.CacheParameterGroup.ARN })).TagList, [{ Key: 'env', Value: 'dev' }]);
  const p = await params('my-params');
  assert.equal(Object.keys(p).length, familyParameters('redis7')!.length);
  assert.ok(Object.values(p).every((x) => x.source !== 'user'));

  await assertFaultChangesNothing(t.svc, () => create('MY-PARAMS'), 'CacheParameterGroupAlreadyExists');
  const fam = await assertFaultChangesNothing(t.svc,
    () => t.call(CreateCacheParameterGroup, { CacheParameterGroupName: 'x', CacheParameterGroupFamily: 'redis9', Description: 'd' }),
    'InvalidParameterValue');
  assert.match(fam.message, /family/);
  await assertFaultChangesNothing(t.svc, () => create('default.mine'), 'InvalidParameterValue');
  await assertFaultChangesNothing(t.svc, () => create('1abc'), 'InvalidParameterValue');
  await assertFaultChangesNothing(t.svc, () => create('a--b'), 'InvalidParameterValue');
  await assertFaultChangesNothing(t.svc, () => create('tagged', { Tags: [{ Key: '', Value: 'x' }] }), 'InvalidParameterValue');
});

test('modify stores only the values set, bumps the version, records an event and wakes the reconciler', async () => {
  await create('app');
  const kicks = t.kicks();
  const out = await modify('APP', [['maxmemory-policy', 'allkeys-lru'], ['timeout', '300']]);
  assert.deepEqual(out, { CacheParameterGroupName: 'app' });
  const rec = (await t.store.get('cacheParameterGroup', 'app'))!.doc;
  assert.deepEqual(rec.values, { 'maxmemory-policy': 'allkeys-lru', timeout: '300' });
  assert.equal(rec.version, 2);
  assert.equal(t.kicks(), kicks + 1);
  const p = await params('app');
  assert.deepEqual(p['maxmemory-policy'], { value: 'allkeys-lru', source: 'user' });
  assert.deepEqual(p['timeout'], { value: '300', source: 'user' });
  assert.equal(p['maxmemory-samples']!.source, 'system');
  assert.deepEqual(Object.keys(await params('app', 'user')).sort(), ['maxmemory-policy', 'timeout']);
  const events = await t.call(DescribeEvents, { SourceType: 'cache-parameter-group' });
  assert.equal(events.Events[0].Message, 'Cache parameter group app modified');
  assert.equal(events.Events[0].SourceIdentifier, 'app');
});

test('modify refuses bad parameters and changes nothing', async () => {
  await create('app');
  const cases: [string, () => Promise<unknown>][] = [
    ['InvalidParameterValue', () => modify('app', [['no-such-parameter', '1']])],
    ['InvalidParameterValue', () => modify('app', [['appendonly', 'yes']])], // not modifiable
    ['InvalidParameterValue', () => modify('app', [['maxmemory-policy', 'sometimes']])],
    ['InvalidParameterValue', () => modify('app', [['timeout', '5']])], // 0,20-
    ['InvalidParameterValue', () => modify('app', [['timeout', 'soon']])],
    ['InvalidParameterValue', () => modify('app', [['timeout', '300'], ['timeout', '400']])],
    ['InvalidParameterValue', () => modify('app', [['timeout', undefined]])],
    ['InvalidParameterValue', () => modify('app', [])],
    ['InvalidParameterValue', () => modify('app', Array.from({ length: 21 }, () => ['timeout', '300'] as [string, string]))],
    ['InvalidParameterValue', () => modify('app', [['timeout', '300'], ['bogus', '1']])], // all or nothing
    ['InvalidCacheParameterGroupState', () => modify('default.redis7', [['timeout', '300']])],
    ['CacheParameterGroupNotFound', () => modify('gone', [['timeout', '300']])],
  ];
  for (const [code, fn] of cases) await assertFaultChangesNothing(t.svc, fn, code);
  const reason = await assertFault(modify('app', [['maxmemory-policy', 'sometimes']]), 'InvalidParameterValue');
  assert.match(reason.message, /maxmemory-policy/);
});

test('cluster-enabled can change only while no cluster uses the group', async () => {
  await create('app');
  await modify('app', [['cluster-enabled', 'yes']]);
  assert.equal((await params('app'))['cluster-enabled']!.value, 'yes');
  await insertCacheCluster(t.svc, 'c1', { cacheParameterGroupName: 'app' });
  const err = await assertFaultChangesNothing(t.svc, () => modify('app', [['cluster-enabled', 'no']]), 'InvalidParameterValue');
  assert.match(err.message, /cluster-enabled.*c1/);
  await assertFaultChangesNothing(t.svc,
    () => t.call(ResetCacheParameterGroup, { CacheParameterGroupName: 'app', ResetAllParameters: true }), 'InvalidParameterValue');
  // Setting it to the value it has, and other parameters, stay allowed.
  await modify('app', [['cluster-enabled', 'yes'], ['timeout', '60']]);
});

test('reset: all, or the listed parameters; same rules as modify', async () => {
  await create('app');
  await modify('app', [['maxmemory-policy', 'allkeys-lru'], ['timeout', '300']]);
  await t.call(ResetCacheParameterGroup, { CacheParameterGroupName: 'app', ParameterNameValues: [{ ParameterName: 'timeout' }] });
  assert.deepEqual((await t.store.get('cacheParameterGroup', 'app'))!.doc.values, { 'maxmemory-policy': 'allkeys-lru' });
  const out = await t.call(ResetCacheParameterGroup, { CacheParameterGroupName: 'app', ResetAllParameters: true });
  assert.deepEqual(out, { CacheParameterGroupName: 'app' });
  const rec = (await t.store.get('cacheParameterGroup', 'app'))!.doc;
  assert.deepEqual(rec.values, {});
  assert.equal(rec.version, 4);

  const cases: [string, object][] = [
    ['InvalidParameterCombination', { ResetAllParameters: true, ParameterNameValues: [{ ParameterName: 'timeout' }] }],
    ['InvalidParameterValue', {}],
    ['InvalidParameterValue', { ParameterNameValues: [{ ParameterName: 'bogus' }] }],
    ['InvalidParameterValue', { ParameterNameValues: [{ ParameterName: 'appendonly' }] }],
  ];
  for (const [code, extra] of cases) {
    await assertFaultChangesNothing(t.svc, () => t.call(ResetCacheParameterGroup, { CacheParameterGroupName: 'app', ...extra }), code);
  }
  await assertFaultChangesNothing(t.svc,
    () => t.call(ResetCacheParameterGroup, { CacheParameterGroupName: 'default.redis7', ResetAllParameters: true }),
    'InvalidCacheParameterGroupState');
});

test('delete: not built-in groups, not groups in use; removes the tags', async () => {
  const g = (await create('app', { Tags: [{ Key: 'k', Value: 'v' }] })).CacheParameterGroup;
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteCacheParameterGroup, { CacheParameterGroupName: 'default.redis7' }),
    'InvalidCacheParameterGroupState');
  await insertCacheCluster(t.svc, 'c1', { cacheParameterGroupName: 'app' });
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteCacheParameterGroup, { CacheParameterGroupName: 'app' }),
    'InvalidCacheParameterGroupState');
  await t.store.commit([{ op: 'delete', kind: 'cacheCluster', id: 'c1' }]);
  await t.call(DeleteCacheParameterGroup, { CacheParameterGroupName: 'app' });
  assert.equal(await t.store.get('tags', g.ARN), undefined);
  await assertFault(t.call(DescribeCacheParameterGroups, { CacheParameterGroupName: 'app' }), 'CacheParameterGroupNotFound', 404);
  await assertFault(t.call(DeleteCacheParameterGroup, { CacheParameterGroupName: 'app' }), 'CacheParameterGroupNotFound', 404);
});

test('describe parameters: pages, Source filter, node-type specific parameters once', async () => {
  const total = familyParameters('redis7')!.length;
  const first = await t.call(DescribeCacheParameters, { CacheParameterGroupName: 'default.redis7', MaxRecords: 20 });
  assert.equal(first.Parameters.length, 20);
  assert.ok(first.Marker);
  const maxmemory = first.CacheNodeTypeSpecificParameters.find((p: any) => p.ParameterName === 'maxmemory');
  assert.ok(maxmemory.CacheNodeTypeSpecificValues.some((v: any) => v.CacheNodeType === 'cache.r6g.large'));
  const second = await t.call(DescribeCacheParameters, { CacheParameterGroupName: 'default.redis7', MaxRecords: 20, Marker: first.Marker });
  assert.deepEqual(second.CacheNodeTypeSpecificParameters, []);
  assert.equal(Object.keys(await params('default.redis7')).length, total);
  assert.equal(Object.keys(await params('default.redis7', 'engine-default')).length, 0);
  await assertFault(t.call(DescribeCacheParameters, { CacheParameterGroupName: 'default.redis7', Source: 'mine' }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeCacheParameters, { CacheParameterGroupName: 'default.redis7', MaxRecords: 101 }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeCacheParameters, { CacheParameterGroupName: 'nope' }), 'CacheParameterGroupNotFound');
});

test('engine defaults of a family', async () => {
  const out = await t.call(DescribeEngineDefaultParameters, { CacheParameterGroupFamily: 'redis7', MaxRecords: 100 });
  assert.equal(out.EngineDefaults.CacheParameterGroupFamily, 'redis7');
  assert.equal(out.EngineDefaults.Parameters.length, familyParameters('redis7')!.length);
  assert.equal(out.EngineDefaults.Marker, undefined);
  assert.ok(out.EngineDefaults.CacheNodeTypeSpecificParameters.length > 0);
  assert.ok(out.EngineDefaults.Parameters.every((p: any) => p.Source !== 'user'));
  await assertFault(t.call(DescribeEngineDefaultParameters, { CacheParameterGroupFamily: 'memcached1.6' }), 'InvalidParameterValue');
});
