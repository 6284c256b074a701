import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { createSubnetGroupParams, modifySubnetGroupParams } from './subnet-groups.js';

test("the subnet group requests decode with the API's own Query decoder", () => {
  assert.deepEqual(decodeInput('CreateCacheSubnetGroup', Object.entries(createSubnetGroupParams({ name: 'sn', description: '', subnets: 'subnet-a, subnet-b\nsubnet-c' }))),
    { CacheSubnetGroupName: 'sn', CacheSubnetGroupDescription: 'sn', SubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'] });
  assert.deepEqual(decodeInput('ModifyCacheSubnetGroup', Object.entries(modifySubnetGroupParams({ name: 'sn', description: 'web tier', subnets: 'subnet-z' }))),
    { CacheSubnetGroupName: 'sn', CacheSubnetGroupDescription: 'web tier', SubnetIds: ['subnet-z'] });
});
