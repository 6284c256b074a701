import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { choicesOf, createParameterGroupParams, familiesOf, isBuiltIn, modifyParameterParams, resetParams } from './parameter-groups.js';

const decode = (action: string, p: Record<string, string>) => decodeInput(action, Object.entries(p));

test("the parameter group requests decode with the API's own Query decoder", () => {
  assert.deepEqual(decode('CreateCacheParameterGroup', createParameterGroupParams({ name: ' web ', family: 'redis7', description: '' })),
    { CacheParameterGroupName: 'web', CacheParameterGroupFamily: 'redis7', Description: 'web' });
  assert.deepEqual(decode('ModifyCacheParameterGroup', modifyParameterParams('web', 'maxmemory-policy', 'allkeys-lru')),
    { CacheParameterGroupName: 'web', ParameterNameValues: [{ ParameterName: 'maxmemory-policy', ParameterValue: 'allkeys-lru' }] });
  assert.deepEqual(decode('ResetCacheParameterGroup', resetParams('web')), { CacheParameterGroupName: 'web', ResetAllParameters: true });
  assert.deepEqual(decode('ResetCacheParameterGroup', resetParams('web', 'timeout')),
    { CacheParameterGroupName: 'web', ParameterNameValues: [{ ParameterName: 'timeout' }] });
});

test('built-in groups are read-only; families come from the listed groups; a list of allowed values is a choice', () => {
  assert.equal(isBuiltIn('default.redis7'), true);
  assert.equal(isBuiltIn('my-default.redis7'), false);
  assert.deepEqual(familiesOf([{ CacheParameterGroupFamily: 'redis7' }, { CacheParameterGroupFamily: 'redis6.x' }, { CacheParameterGroupFamily: 'redis7' }]),
    ['redis6.x', 'redis7']);
  assert.deepEqual(choicesOf({ DataType: 'string', AllowedValues: 'volatile-lru,allkeys-lru,noeviction' }), ['volatile-lru', 'allkeys-lru', 'noeviction']);
  assert.equal(choicesOf({ DataType: 'integer', AllowedValues: '0-' }), undefined);
  assert.equal(choicesOf({ DataType: 'string', AllowedValues: 'any' }), undefined);
});
