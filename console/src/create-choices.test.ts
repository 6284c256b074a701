import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familyOfChoice, keepIfOffered, parameterGroupsOf, securityGroupChoices, toggleChoice, userGroupChoices } from './create-choices.js';

const ENGINES = [
  { Engine: 'redis', EngineVersion: '6.2.14', CacheParameterGroupFamily: 'redis6.x' },
  { Engine: 'redis', EngineVersion: '7.0.15', CacheParameterGroupFamily: 'redis7' },
];

test("the family is the chosen version's, or the newest version's when the default is chosen", () => {
  assert.equal(familyOfChoice(ENGINES, 'redis', '6.2.14'), 'redis6.x');
  assert.equal(familyOfChoice(ENGINES, 'redis', ''), 'redis7');
  assert.equal(familyOfChoice(ENGINES, 'valkey', ''), undefined);
  assert.equal(familyOfChoice([], 'redis', ''), undefined, 'engines not loaded yet');
});

test("only the chosen family's parameter groups are offered (cluster-enabled ones too: the API judges those)", () => {
  const groups = [
    { name: 'default.redis7', family: 'redis7' }, { name: 'default.redis7.cluster.on', family: 'redis7' },
    { name: 'default.redis6.x', family: 'redis6.x' }, { name: 'tuned', family: 'redis7' },
  ];
  assert.deepEqual(parameterGroupsOf(groups, 'redis7').map((g) => g.name), ['default.redis7', 'default.redis7.cluster.on', 'tuned']);
  assert.deepEqual(parameterGroupsOf(groups, undefined).length, 4, 'every group while the family is unknown');
  assert.equal(keepIfOffered('tuned', ['tuned']), 'tuned');
  assert.equal(keepIfOffered('default.redis6.x', ['tuned']), '', 'a group of another family falls back to the default');
});

test('security groups are offered by name with their id, the default group first; ticking adds and unticking removes', () => {
  const choices = securityGroupChoices([
    { GroupId: 'sg-3', GroupName: 'web' }, { GroupId: 'sg-1', GroupName: 'default' }, { GroupId: 'sg-2', GroupName: 'app' }, { GroupName: 'no-id' },
  ]);
  assert.deepEqual(choices, [
    { id: 'sg-1', label: 'default (sg-1)' }, { id: 'sg-2', label: 'app (sg-2)' }, { id: 'sg-3', label: 'web (sg-3)' },
  ]);
  assert.deepEqual(toggleChoice(['sg-1'], 'sg-3', true), ['sg-1', 'sg-3']);
  assert.deepEqual(toggleChoice(['sg-1', 'sg-3'], 'sg-3', true), ['sg-1', 'sg-3'], 'ticked twice: once');
  assert.deepEqual(toggleChoice(['sg-1', 'sg-3'], 'sg-1', false), ['sg-3']);
});

test("user groups offered are the redis engine's, by id, one not active yet with its status", () => {
  assert.deepEqual(userGroupChoices([
    { UserGroupId: 'web', Engine: 'redis', Status: 'active' }, { UserGroupId: 'app', Engine: 'redis', Status: 'creating' },
    { UserGroupId: 'vk', Engine: 'valkey', Status: 'active' }, { Engine: 'redis' },
  ]), [{ id: 'app', label: 'app (creating)' }, { id: 'web', label: 'web' }]);
});
