import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import AuthorizeCacheSecurityGroupIngress from './AuthorizeCacheSecurityGroupIngress.js';
import CreateCacheSecurityGroup from './CreateCacheSecurityGroup.js';
import DeleteCacheSecurityGroup from './DeleteCacheSecurityGroup.js';
import DescribeCacheEngineVersions from './DescribeCacheEngineVersions.js';
import DescribeCacheSecurityGroups from './DescribeCacheSecurityGroups.js';
import RevokeCacheSecurityGroupIngress from './RevokeCacheSecurityGroupIngress.js';
import { assertFault, assertFaultChangesNothing, fakeEngine, makeTestServices, type TestServices } from './test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const versions = (out: any) => out.CacheEngineVersions.map((v: any) => v.EngineVersion);

test('the installed engines, oldest first, described', async () => {
  t = await makeTestServices({ engines: [fakeEngine('7.2.4'), fakeEngine('7.0.15'), fakeEngine('6.2.14'), fakeEngine('7.0.15')] });
  const all = await t.call(DescribeCacheEngineVersions, {});
  assert.deepEqual(versions(all), ['6.2.14', '7.0.15', '7.2.4']);
  assert.deepEqual(all.CacheEngineVersions[1], {
    Engine: 'redis', EngineVersion: '7.0.15', CacheParameterGroupFamily: 'redis7',
    CacheEngineDescription: 'Redis', CacheEngineVersionDescription: 'redis version 7.0.15 (redis-server on this host)',
  });
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { Engine: 'redis', EngineVersion: '7.0' })), ['7.0.15']);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { EngineVersion: '7.0.15' })), ['7.0.15']);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { EngineVersion: '7.0.1' })), []);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { EngineVersion: '7.1' })), []);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { CacheParameterGroupFamily: 'redis7' })), ['7.0.15', '7.2.4']);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { DefaultOnly: true })), ['7.2.4']);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { EngineVersion: '7.0', DefaultOnly: true })), ['7.0.15']);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { Engine: 'memcached' })), []);
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, { Engine: 'valkey' })), []);
  await assertFault(t.call(DescribeCacheEngineVersions, { MaxRecords: 10 }), 'InvalidParameterValue');
});

test('no engine installed: an empty list', async () => {
  t = await makeTestServices();
  assert.deepEqual(versions(await t.call(DescribeCacheEngineVersions, {})), []);
});

test('cache security groups are refused as in a VPC account; listing them all is empty', async () => {
  t = await makeTestServices();
  const svc = t.svc;
  const calls: [string, () => Promise<unknown>][] = [
    ['create', () => t!.call(CreateCacheSecurityGroup, { CacheSecurityGroupName: 'sg', Description: 'd' })],
    ['delete', () => t!.call(DeleteCacheSecurityGroup, { CacheSecurityGroupName: 'sg' })],
    ['describe one', () => t!.call(DescribeCacheSecurityGroups, { CacheSecurityGroupName: 'sg' })],
    ['authorize', () => t!.call(AuthorizeCacheSecurityGroupIngress,
      { CacheSecurityGroupName: 'sg', EC2SecurityGroupName: 'web', EC2SecurityGroupOwnerId: '123456789012' })],
    ['revoke', () => t!.call(RevokeCacheSecurityGroupIngress,
      { CacheSecurityGroupName: 'sg', EC2SecurityGroupName: 'web', EC2SecurityGroupOwnerId: '123456789012' })],
  ];
  for (const [, fn] of calls) {
    const err = await assertFaultChangesNothing(svc, fn, 'InvalidParameterValue');
    assert.equal(err.message, 'Use of cache security groups is not permitted in this API version for your account.');
  }
  assert.deepEqual(await t.call(DescribeCacheSecurityGroups, {}), { CacheSecurityGroups: [] });
});
