import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { EMPTY_SERVERLESS, fieldOfServerlessError, serverlessCreateParams } from './create-serverless.js';

test("the serverless form's parameters decode with the API's own Query decoder", () => {
  const input = decodeInput('CreateServerlessCache', Object.entries(serverlessCreateParams({
    ...EMPTY_SERVERLESS, name: ' sessions ', description: 'web sessions', dataStorageMax: '5', ecpuMax: '5000',
    securityGroups: ['sg-1', 'sg-2'], userGroup: 'app-users', snapshotRetention: '3', dailySnapshotTime: '05:00', tags: 'team=web',
  })));
  assert.deepEqual(input, {
    ServerlessCacheName: 'sessions', Description: 'web sessions', Engine: 'redis', MajorEngineVersion: '7',
    CacheUsageLimits: { DataStorage: { Maximum: 5, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } },
    SecurityGroupIds: ['sg-1', 'sg-2'], UserGroupId: 'app-users', SnapshotRetentionLimit: 3, DailySnapshotTime: '05:00',
    Tags: [{ Key: 'team', Value: 'web' }],
  });
});

test('what is left empty is not sent: no usage limits, security groups, user group or snapshot time', () => {
  const input = decodeInput('CreateServerlessCache', Object.entries(serverlessCreateParams({ ...EMPTY_SERVERLESS, name: 'c', snapshotRetention: '' })));
  assert.deepEqual(input, { ServerlessCacheName: 'c', Engine: 'redis', MajorEngineVersion: '7' });
  const onlyEcpu = decodeInput('CreateServerlessCache', Object.entries(serverlessCreateParams({ ...EMPTY_SERVERLESS, name: 'c', ecpuMax: '2000' })));
  assert.deepEqual(onlyEcpu.CacheUsageLimits, { ECPUPerSecond: { Maximum: 2000 } }, 'no DataStorage (whose Unit would be required)');
});

test("the API's serverless messages are shown beside the field whose parameter they name", () => {
  assert.equal(fieldOfServerlessError("Invalid ServerlessCacheName '1x': it must begin with a letter.", 'InvalidParameterValue'), 'name');
  assert.equal(fieldOfServerlessError('Serverless cache c already exists.', 'ServerlessCacheAlreadyExistsFault'), 'name');
  assert.equal(fieldOfServerlessError('Invalid CacheUsageLimits.DataStorage.Maximum 0: it must be a whole number of GB between 1 and 5000.'), 'dataStorageMax');
  assert.equal(fieldOfServerlessError('Invalid CacheUsageLimits.ECPUPerSecond.Maximum 5: it must be between 1,000 and 15,000,000.'), 'ecpuMax');
  assert.equal(fieldOfServerlessError("MajorEngineVersion '6' is not available for redis serverless caches; use 7."), 'majorEngineVersion');
  assert.equal(fieldOfServerlessError('Some security group Id not recognized by EC2: sg-0', 'InvalidParameterValue'), 'securityGroups');
  assert.equal(fieldOfServerlessError('User group nope not found.', 'UserGroupNotFound'), 'userGroup');
  assert.equal(fieldOfServerlessError('Invalid SnapshotRetentionLimit 40: it must be between 0 and 35 days.'), 'snapshotRetention');
  assert.equal(fieldOfServerlessError("Invalid DailySnapshotTime '25:00': it must be HH:MM in UTC (e.g. 04:00)."), 'dailySnapshotTime');
  assert.equal(fieldOfServerlessError('Description must be at most 255 characters long.'), 'description');
  assert.equal(fieldOfServerlessError('You have reached the serverless cache quota.', 'ServerlessCacheQuotaForCustomerExceededFault'), undefined, 'the whole form');
});
