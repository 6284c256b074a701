/**
 * Bad serverless cache requests — names, engines, usage limits, references to missing or unready
 * resources, states, duplicates and the quota — each answered with ElastiCache's error and
 * changing nothing: no cache, no backing group, no address, no tag, no event
 * (assertFaultChangesNothing compares every record and event before and after).
 */
import { afterEach, beforeEach, test } from 'node:test';
import CreateUserGroup from './CreateUserGroup.js';
import DeleteUserGroup from './DeleteUserGroup.js';
import type { ActionFactory } from './define.js';
import DeleteServerlessCache from './DeleteServerlessCache.js';
import DescribeServerlessCaches from './DescribeServerlessCaches.js';
import ModifyServerlessCache from './ModifyServerlessCache.js';
import CreateServerlessCache from './CreateServerlessCache.js';
import CreateServerlessCacheSnapshot from './CreateServerlessCacheSnapshot.js';
import DeleteServerlessCacheSnapshot from './DeleteServerlessCacheSnapshot.js';
import DescribeServerlessCacheSnapshots from './DescribeServerlessCacheSnapshots.js';
import CopyServerlessCacheSnapshot from './CopyServerlessCacheSnapshot.js';
import ExportServerlessCacheSnapshot from './ExportServerlessCacheSnapshot.js';
import { IPC, IVP, activeUserGroup, createCache, setServerlessStatus } from './serverless-fixtures.js';
import { assertFaultChangesNothing, fakeEngine, makeTestServices, type TestServices } from './test-services.js';

let t: TestServices;
beforeEach(async () => {
  t = await makeTestServices({ engines: [fakeEngine()], config: { serverlessCacheQuota: 3 } });
  await createCache(t, 'taken');
  await setServerlessStatus(t.store, 'taken', 'available');
  await createCache(t, 'fresh');
  await activeUserGroup(t, 'in-use');
  await createCache(t, 'with-users', { UserGroupId: 'in-use' });
  await t.call(CreateUserGroup, { UserGroupId: 'not-ready', Engine: 'redis', UserIds: ['default'] });
});
afterEach(async () => { await t.close(); });

interface BadCase { name: string; action: ActionFactory; input: object; code: string }

const create = (extra: object) => ({ ServerlessCacheName: 'new-cache', Engine: 'redis', ...extra });
const limits = (l: object) => create({ CacheUsageLimits: l });

const BAD: BadCase[] = [
  // Names (AWS: 1–40 letters, digits, hyphens; a letter first; no "--"; no trailing hyphen).
  { name: 'a name starting with a digit', action: CreateServerlessCache, input: create({ ServerlessCacheName: '1cache' }), code: IVP },
  { name: 'a name with two hyphens in a row (the backing groups\' form)', action: CreateServerlessCache, input: create({ ServerlessCacheName: 'my--cache' }), code: IVP },
  { name: 'a name ending with a hyphen', action: CreateServerlessCache, input: create({ ServerlessCacheName: 'cache-' }), code: IVP },
  { name: 'a name of 41 characters', action: CreateServerlessCache, input: create({ ServerlessCacheName: 'c'.repeat(41) }), code: IVP },
  { name: 'a name with an underscore', action: CreateServerlessCache, input: create({ ServerlessCacheName: 'my_cache' }), code: IVP },
  // Engine.
  { name: 'no engine', action: CreateServerlessCache, input: { ServerlessCacheName: 'new-cache' }, code: IVP },
  { name: 'the memcached engine', action: CreateServerlessCache, input: create({ Engine: 'memcached' }), code: IVP },
  { name: 'major engine version 6', action: CreateServerlessCache, input: create({ MajorEngineVersion: '6' }), code: IVP },
  // CacheUsageLimits.
  { name: 'ECPUPerSecond below 1,000', action: CreateServerlessCache, input: limits({ ECPUPerSecond: { Maximum: 999 } }), code: IVP },
  { name: 'ECPUPerSecond above 15,000,000', action: CreateServerlessCache, input: limits({ ECPUPerSecond: { Maximum: 15_000_001 } }), code: IVP },
  { name: 'ECPUPerSecond minimum above its maximum', action: CreateServerlessCache, input: limits({ ECPUPerSecond: { Maximum: 2000, Minimum: 3000 } }), code: IPC },
  { name: 'DataStorage without a Unit', action: CreateServerlessCache, input: limits({ DataStorage: { Maximum: 10 } }), code: IVP },
  { name: 'DataStorage in TB', action: CreateServerlessCache, input: limits({ DataStorage: { Maximum: 10, Unit: 'TB' } }), code: IVP },
  { name: 'DataStorage above 5,000 GB', action: CreateServerlessCache, input: limits({ DataStorage: { Maximum: 5001, Unit: 'GB' } }), code: IVP },
  { name: 'DataStorage minimum above its maximum', action: CreateServerlessCache, input: limits({ DataStorage: { Maximum: 5, Minimum: 6, Unit: 'GB' } }), code: IPC },
  // Other settings.
  { name: 'a retention of 36 days', action: CreateServerlessCache, input: create({ SnapshotRetentionLimit: 36 }), code: IVP },
  { name: 'a daily snapshot time of 25:00', action: CreateServerlessCache, input: create({ DailySnapshotTime: '25:00' }), code: IVP },
  { name: 'an IPv6 network type', action: CreateServerlessCache, input: create({ NetworkType: 'ipv6' }), code: IVP },
  // References.
  { name: 'a security group EC2 does not know', action: CreateServerlessCache, input: create({ SecurityGroupIds: ['sg-0123456789abcdef0'] }), code: IVP },
  { name: 'a subnet that does not exist', action: CreateServerlessCache, input: create({ SubnetIds: ['subnet-nope'] }), code: 'InvalidSubnet' },
  { name: 'a user group that does not exist', action: CreateServerlessCache, input: create({ UserGroupId: 'nobody' }), code: 'UserGroupNotFound' },
  { name: 'a user group still being created', action: CreateServerlessCache, input: create({ UserGroupId: 'not-ready' }), code: 'InvalidUserGroupState' },
  { name: 'restoring from a snapshot that does not exist', action: CreateServerlessCache,
    input: create({ SnapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:gone'] }), code: 'ServerlessCacheSnapshotNotFoundFault' },
  { name: 'restoring from two snapshots', action: CreateServerlessCache,
    input: create({ SnapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:a', 'arn:aws:elasticache:us-east-1:123456789012:serverlesscachesnapshot:b'] }), code: IVP },
  { name: 'a KMS key that does not exist', action: CreateServerlessCache, input: create({ KmsKeyId: 'no-such-key' }), code: IVP },
  // Duplicates and the quota (3 here).
  { name: 'a name taken (in other case)', action: CreateServerlessCache, input: create({ ServerlessCacheName: 'TAKEN' }), code: 'ServerlessCacheAlreadyExistsFault' },
  { name: 'one cache more than the quota', action: CreateServerlessCache, input: create({}), code: 'ServerlessCacheQuotaForCustomerExceededFault' },
  // Describe, modify, delete.
  { name: 'describing a cache that does not exist', action: DescribeServerlessCaches, input: { ServerlessCacheName: 'gone' }, code: 'ServerlessCacheNotFoundFault' },
  { name: 'MaxResults 0', action: DescribeServerlessCaches, input: { MaxResults: 0 }, code: IVP },
  { name: 'modifying a cache that does not exist', action: ModifyServerlessCache, input: { ServerlessCacheName: 'gone', Description: 'x' }, code: 'ServerlessCacheNotFoundFault' },
  { name: 'modifying a cache being created', action: ModifyServerlessCache, input: { ServerlessCacheName: 'fresh', Description: 'x' }, code: 'InvalidServerlessCacheStateFault' },
  { name: 'modifying nothing', action: ModifyServerlessCache, input: { ServerlessCacheName: 'taken' }, code: IPC },
  { name: 'removing a user group and setting one', action: ModifyServerlessCache, input: { ServerlessCacheName: 'taken', RemoveUserGroup: true, UserGroupId: 'x' }, code: IPC },
  { name: 'removing a user group there is not', action: ModifyServerlessCache, input: { ServerlessCacheName: 'taken', RemoveUserGroup: true }, code: IVP },
  { name: 'modifying the limits out of range', action: ModifyServerlessCache, input: { ServerlessCacheName: 'taken', CacheUsageLimits: { ECPUPerSecond: { Maximum: 1 } } }, code: IVP },
  { name: 'deleting a cache that does not exist', action: DeleteServerlessCache, input: { ServerlessCacheName: 'gone' }, code: 'ServerlessCacheNotFoundFault' },
  { name: 'deleting a cache being created', action: DeleteServerlessCache, input: { ServerlessCacheName: 'fresh' }, code: 'InvalidServerlessCacheStateFault' },
  { name: 'a final snapshot name against the rules', action: DeleteServerlessCache, input: { ServerlessCacheName: 'taken', FinalSnapshotName: 'last--one' }, code: IVP },
  { name: 'a final snapshot of a cache whose data is not ready', action: DeleteServerlessCache, input: { ServerlessCacheName: 'taken', FinalSnapshotName: 'last' }, code: 'InvalidServerlessCacheStateFault' },
  // Serverless snapshots.
  { name: 'a snapshot of a cache being created', action: CreateServerlessCacheSnapshot, input: { ServerlessCacheName: 'fresh', ServerlessCacheSnapshotName: 's1' }, code: 'InvalidServerlessCacheStateFault' },
  { name: 'a snapshot of a cache that does not exist', action: CreateServerlessCacheSnapshot, input: { ServerlessCacheName: 'gone', ServerlessCacheSnapshotName: 's1' }, code: 'ServerlessCacheNotFoundFault' },
  { name: 'a snapshot name with an underscore', action: CreateServerlessCacheSnapshot, input: { ServerlessCacheName: 'taken', ServerlessCacheSnapshotName: 's_1' }, code: IVP },
  { name: 'describing a snapshot that does not exist', action: DescribeServerlessCacheSnapshots, input: { ServerlessCacheSnapshotName: 'nope' }, code: 'ServerlessCacheSnapshotNotFoundFault' },
  { name: 'deleting a snapshot that does not exist', action: DeleteServerlessCacheSnapshot, input: { ServerlessCacheSnapshotName: 'nope' }, code: 'ServerlessCacheSnapshotNotFoundFault' },
  { name: 'copying a snapshot that does not exist', action: CopyServerlessCacheSnapshot, input: { SourceServerlessCacheSnapshotName: 'nope', TargetServerlessCacheSnapshotName: 'n2' }, code: 'ServerlessCacheSnapshotNotFoundFault' },
  { name: 'exporting to a bucket name S3 refuses', action: ExportServerlessCacheSnapshot, input: { ServerlessCacheSnapshotName: 'nope', S3BucketName: 'Bad_Bucket' }, code: IVP },
  { name: 'restoring from an ARN that is not a serverless snapshot\'s', action: CreateServerlessCache,
    input: create({ SnapshotArnsToRestore: ['arn:aws:elasticache:us-east-1:123456789012:snapshot:nightly'] }), code: IVP },
  // A user group a serverless cache uses.
  { name: 'deleting a user group a serverless cache uses', action: DeleteUserGroup, input: { UserGroupId: 'in-use' }, code: 'InvalidUserGroupState' },
];

for (const c of BAD) {
  test(`bad serverless request: ${c.name} → ${c.code}, nothing changed`, async () => {
    await assertFaultChangesNothing(t.svc, () => t.call(c.action, c.input), c.code);
  });
}
