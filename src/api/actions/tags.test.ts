import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { createRecords } from '../../resources/commit.js';
import { newSubnetGroupRecord } from '../../resources/subnet-groups.js';
import { deleteTagOps, tagOps } from '../../resources/tags.js';
import { arn } from '../../core/index.js';
import type { ReplicationGroupRecord } from '../../store/index.js';
import { fault } from '../../errors/index.js';
import AddTagsToResource from './AddTagsToResource.js';
import ListTagsForResource from './ListTagsForResource.js';
import RemoveTagsFromResource from './RemoveTagsFromResource.js';
import { assertFault, assertFaultChangesNothing, insertCacheCluster, makeTestServices, type TestServices } from './test-services.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices(); });
afterEach(async () => { await t.close(); });

const ARN = (type: string, id: string) => `arn:aws:elasticache:us-east-1:123456789012:${type}:${id}`;
const add = (resource: string, tags: { Key?: string; Value?: string }[]) => t.call(AddTagsToResource, { ResourceName: resource, Tags: tags });
const list = async (resource: string) => (await t.call(ListTagsForResource, { ResourceName: resource })).TagList;

test('tags on every kind of resource: add merges by key, list, remove', async () => {
  await insertCacheCluster(t.svc, 'c1');
  const group = { id: 'rg1', arn: ARN('replicationgroup', 'rg1') } as ReplicationGroupRecord;
  await t.store.commit([{ op: 'create', kind: 'replicationGroup', id: 'rg1', doc: group }]);
  for (const resource of [ARN('cluster', 'c1'), ARN('replicationgroup', 'rg1'), ARN('parametergroup', 'default.redis7'),
    ARN('subnetgroup', 'default')]) {
    assert.deepEqual(await list(resource), []);
    await add(resource, [{ Key: 'team', Value: 'a' }, { Key: 'env' }]);
    const out = await add(resource, [{ Key: 'team', Value: 'b' }, { Key: 'cost', Value: '' }]);
    assert.deepEqual(out.TagList, [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: '' }, { Key: 'cost', Value: '' }]);
    assert.deepEqual(await list(resource), out.TagList);
    const removed = await t.call(RemoveTagsFromResource, { ResourceName: resource, TagKeys: ['team', 'env'] });
    assert.deepEqual(removed.TagList, [{ Key: 'cost', Value: '' }]);
    await t.call(RemoveTagsFromResource, { ResourceName: resource, TagKeys: ['cost'] });
    assert.equal(await t.store.get('tags', resource), undefined);
  }
});

test('ids in ARNs are case-insensitive; tags are kept under the canonical ARN', async () => {
  await add(ARN('subnetgroup', 'DEFAULT'), [{ Key: 'k', Value: 'v' }]);
  assert.deepEqual(await list(ARN('subnetgroup', 'default')), [{ Key: 'k', Value: 'v' }]);
});

test('invalid and unknown ARNs', async () => {
  for (const bad of ['not-an-arn', 'arn:aws:s3:::bucket', ARN('widget', 'x'), 'arn:aws:elasticache:us-east-1:123:cluster:x']) {
    await assertFault(list(bad), 'InvalidARN', 400);
    await assertFaultChangesNothing(t.svc, () => add(bad, [{ Key: 'k', Value: 'v' }]), 'InvalidARN');
  }
  await assertFault(list('arn:aws:elasticache:eu-west-1:123456789012:cluster:c1'), 'InvalidARN');
  await assertFault(list('arn:aws:elasticache:us-east-1:999999999999:cluster:c1'), 'InvalidARN');
  const missing: [string, string][] = [
    [ARN('cluster', 'nope'), 'CacheClusterNotFound'],
    [ARN('replicationgroup', 'nope'), 'ReplicationGroupNotFoundFault'],
    [ARN('parametergroup', 'nope'), 'CacheParameterGroupNotFound'],
    [ARN('subnetgroup', 'nope'), 'CacheSubnetGroupNotFoundFault'],
    [ARN('user', 'nope'), 'UserNotFound'],
    [ARN('usergroup', 'nope'), 'UserGroupNotFound'],
    [ARN('snapshot', 'nope'), 'SnapshotNotFoundFault'],
  ];
  for (const [resource, code] of missing) {
    await assertFault(list(resource), code);
    await assertFaultChangesNothing(t.svc, () => add(resource, [{ Key: 'k', Value: 'v' }]), code);
    await assertFaultChangesNothing(t.svc, () => t.call(RemoveTagsFromResource, { ResourceName: resource, TagKeys: ['k'] }), code);
  }
});

test('tag rules: key length, value length, aws: prefix, characters, 50 per resource', async () => {
  const r = ARN('subnetgroup', 'default');
  await add(r, [{ Key: 'keep', Value: 'me' }]);
  const bad: { Key?: string; Value?: string }[] = [
    { Key: '' }, {}, { Key: 'k'.repeat(129) }, { Key: 'k', Value: 'v'.repeat(257) }, { Key: 'aws:owner', Value: 'x' },
    { Key: 'AWS:owner' }, { Key: 'semi;colon' },
  ];
  for (const tag of bad) await assertFaultChangesNothing(t.svc, () => add(r, [tag]), 'InvalidParameterValue');
  await add(r, [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }, { Key: 'a b_c.d:e/f=g+h-i@j', Value: 'é 1' }]);
  await add(r, Array.from({ length: 47 }, (_, i) => ({ Key: `t${i}`, Value: 'v' }))); // 50 in all
  await add(r, [{ Key: 't0', Value: 'replaced' }]); // replacing does not count
  const err = await assertFaultChangesNothing(t.svc, () => add(r, [{ Key: 'one-more', Value: 'v' }]), 'TagQuotaPerResourceExceeded');
  assert.equal(err.httpStatus, 400);
  assert.equal((await list(r)).length, 50);
});

test('removing a key the resource does not have is TagNotFound and removes nothing', async () => {
  const r = ARN('subnetgroup', 'default');
  await add(r, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
  await assertFaultChangesNothing(t.svc, () => t.call(RemoveTagsFromResource, { ResourceName: r, TagKeys: ['a', 'zzz'] }), 'TagNotFound');
  assert.equal((await list(r)).length, 2);
});

test('tagOps / deleteTagOps / createRecords for create and delete actions', async () => {
  const id = arn(t.svc.installation, 'subnetgroup', 'x');
  assert.deepEqual(tagOps(id, undefined), []);
  assert.deepEqual(tagOps(id, []), []);
  assert.deepEqual(tagOps(id, [{ Key: 'a' }, { Key: 'a', Value: '2' }]),
    [{ op: 'create', kind: 'tags', id, doc: { arn: id, tags: [{ Key: 'a', Value: '2' }] } }]);
  assert.throws(() => tagOps(id, [{ Key: 'aws:x' }]), (e: any) => e.code === 'InvalidParameterValue');
  assert.throws(() => tagOps(id, Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` }))),
    (e: any) => e.code === 'TagQuotaPerResourceExceeded');
  assert.deepEqual(await deleteTagOps(t.store, id), []);

  // Tags left behind under an ARN (a resource removed without deleteTagOps) do not block a create.
  await t.store.commit([{ op: 'create', kind: 'tags', id, doc: { arn: id, tags: [{ Key: 'old', Value: '' }] } }]);
  const doc = newSubnetGroupRecord(t.svc.installation, 'x', 'd', ['s1'], t.svc.now());
  const exists = () => fault('CacheSubnetGroupAlreadyExistsFault', 'exists');
  await createRecords(t.store, [{ op: 'create', kind: 'cacheSubnetGroup', id: 'x', doc }, ...tagOps(id, [{ Key: 'new', Value: '1' }])],
    'cacheSubnetGroup', exists);
  assert.deepEqual(await list(id), [{ Key: 'new', Value: '1' }]);
  await assertFault(createRecords(t.store, [{ op: 'create', kind: 'cacheSubnetGroup', id: 'x', doc }], 'cacheSubnetGroup', exists),
    'CacheSubnetGroupAlreadyExists');
  const del = await deleteTagOps(t.store, id);
  assert.equal(del.length, 1);
  await t.store.commit(del);
  assert.deepEqual(await list(id), []);
});
