import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getNodeType } from './node-types.js';
import {
  DEFAULT_PARAMETER_GROUPS,
  FAMILIES,
  cacheNodeTypeSpecificParameters,
  checkParameterModification,
  defaultParameterGroupName,
  describeParameters,
  dynamicRedisConfig,
  effectiveParameterValues,
  familyParameters,
  findParameter,
  redisDirectives,
  renderRedisConf,
  validateParameterValue,
} from './parameters.js';

const r6g = getNodeType('cache.r6g.large')!;
const def = (name: string) => {
  const d = findParameter('redis7', name);
  assert.ok(d, name);
  return d;
};

test('families', () => {
  assert.deepEqual([...FAMILIES], ['redis7']);
  assert.equal(familyParameters('redis6.x'), undefined);
  assert.equal(familyParameters('toString'), undefined);
});

test('redis7 defaults are ElastiCache defaults', () => {
  const expected: Record<string, string> = {
    'maxmemory-policy': 'volatile-lru', 'reserved-memory-percent': '25', timeout: '0', 'tcp-keepalive': '300',
    appendonly: 'no', appendfsync: 'everysec', databases: '16', 'cluster-enabled': 'no', activedefrag: 'no',
    'lazyfree-lazy-eviction': 'no', 'hash-max-listpack-entries': '512', 'zset-max-listpack-entries': '128',
    'list-max-listpack-size': '-2', 'slowlog-log-slower-than': '10000', 'slowlog-max-len': '128',
    'maxmemory-samples': '3', 'lua-time-limit': '5000', 'close-on-replica-write': 'yes', 'latency-tracking': 'no',
    'acllog-max-len': '128', 'client-output-buffer-limit-pubsub-hard-limit': '33554432', maxclients: '65000',
    'cluster-preferred-endpoint-type': 'tls-dynamic',
  };
  for (const [name, value] of Object.entries(expected)) assert.equal(def(name).ParameterValue, value, name);
  assert.equal(def('notify-keyspace-events').ParameterValue, undefined); // AWS returns no value: empty
  const all = familyParameters('redis7')!;
  assert.ok(all.length >= 60, `${all.length} parameters`);
  assert.equal(new Set(all.map((d) => d.ParameterName)).size, all.length);
  for (const d of all) {
    assert.equal(d.Source, 'system');
    assert.ok(['string', 'integer'].includes(d.DataType));
    assert.ok(['immediate', 'requires-reboot'].includes(d.ChangeType));
    assert.equal(d.MinimumEngineVersion, '7.0.0');
    if (d.ParameterValue !== undefined && d.ParameterName !== 'rename-commands') {
      assert.equal(validateParameterValue(d, d.ParameterValue), undefined, `default of ${d.ParameterName} is valid`);
    }
  }
  // AWS order: hyphens ignored.
  const names = all.map((d) => d.ParameterName);
  assert.ok(names.indexOf('activedefrag') < names.indexOf('active-defrag-cycle-max'));
  assert.ok(names.indexOf('acllog-max-len') < names.indexOf('acl-pubsub-default'));
  assert.equal(def('cluster-enabled').ChangeType, 'requires-reboot');
  // Modifiable, as the guides' Terraform sets it on a customer group (cluster mode enabled); it takes effect on new clusters.
  assert.equal(def('cluster-enabled').IsModifiable, true);
  assert.equal(def('reserved-memory-percent').redis, null);
  assert.equal(def('close-on-replica-write').redis, null);
  assert.equal(def('client-output-buffer-limit-normal-hard-limit').redis, 'client-output-buffer-limit');
});

test('validateParameterValue: enumerations, ranges, integers', () => {
  assert.equal(validateParameterValue(def('maxmemory-policy'), 'allkeys-lfu'), undefined);
  assert.equal(
    validateParameterValue(def('maxmemory-policy'), 'x'),
    "Value 'x' for parameter maxmemory-policy is not valid. Allowed values: " +
      'volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-ttl,noeviction',
  );
  assert.equal(validateParameterValue(def('activedefrag'), 'yes'), undefined);
  assert.match(validateParameterValue(def('activedefrag'), 'YES')!, /Allowed values: yes,no/);
  const timeout = def('timeout');
  assert.equal(validateParameterValue(timeout, '0'), undefined);
  assert.equal(validateParameterValue(timeout, '20'), undefined);
  assert.equal(validateParameterValue(timeout, '86400'), undefined);
  assert.match(validateParameterValue(timeout, '5')!, /Allowed values: 0,20-/);
  assert.match(validateParameterValue(timeout, 'abc')!, /must be an integer/);
  assert.match(validateParameterValue(timeout, '1.5')!, /must be an integer/);
  assert.match(validateParameterValue(def('reserved-memory-percent'), '101')!, /Allowed values: 0-100/);
  assert.match(validateParameterValue(def('tcp-keepalive'), '-1')!, /not valid/);
  assert.match(validateParameterValue(def('tcp-keepalive'), '99999999999999999999')!, /out of range/);
  const lsize = def('list-max-listpack-size');
  for (const ok of ['-5', '-1', '1', '128']) assert.equal(validateParameterValue(lsize, ok), undefined, ok);
  for (const bad of ['-6', '0']) assert.ok(validateParameterValue(lsize, bad), bad);
  assert.equal(validateParameterValue(def('slowlog-log-slower-than'), '-1'), undefined);
  assert.ok(validateParameterValue(def('slowlog-log-slower-than'), '-2'));
  assert.equal(validateParameterValue(def('lua-time-limit'), '5000'), undefined);
  assert.ok(validateParameterValue(def('lua-time-limit'), '6000'));
});

test('validateParameterValue: notify-keyspace-events and rename-commands', () => {
  const nke = def('notify-keyspace-events');
  for (const ok of ['', 'KEA', 'Ex', 'Kg$lshzxe']) assert.equal(validateParameterValue(nke, ok), undefined, ok);
  assert.match(validateParameterValue(nke, 'KEQ')!, /not valid/);
  const rc = def('rename-commands');
  assert.equal(validateParameterValue(rc, ''), undefined);
  assert.equal(validateParameterValue(rc, 'FLUSHALL myflushall keys my_keys'), undefined);
  assert.match(validateParameterValue(rc, 'FLUSHALL')!, /pairs/);
  assert.match(validateParameterValue(rc, 'CONFIG myconfig')!, /CONFIG cannot be renamed/);
  assert.match(validateParameterValue(rc, 'GET a get b')!, /more than once/);
  assert.match(validateParameterValue(rc, 'GET a"b')!, /not a valid command name/);
});

test('checkParameterModification', () => {
  assert.equal(checkParameterModification('redis7', 'maxmemory-policy', 'allkeys-lru'), undefined);
  assert.equal(checkParameterModification('redis7', 'databases', '32'), undefined, 'databases is modifiable (requires-reboot)');
  assert.match(checkParameterModification('redis7', 'maxclients', '100')!, /not modifiable/);
  assert.match(checkParameterModification('redis7', 'maxmemory', '1')!, /not modifiable/);
  assert.match(checkParameterModification('redis7', 'no-such-thing', '1')!, /does not exist/);
  assert.match(checkParameterModification('redis7', 'timeout', '3')!, /not valid/);
  assert.match(checkParameterModification('redis9', 'timeout', '3')!, /family/);
});

test('default parameter groups', () => {
  const names = DEFAULT_PARAMETER_GROUPS.map((g) => g.CacheParameterGroupName);
  assert.deepEqual(names, ['default.redis7', 'default.redis7.cluster.on']);
  assert.equal(DEFAULT_PARAMETER_GROUPS[0]!.Description, 'Default parameter group for redis7');
  assert.deepEqual(DEFAULT_PARAMETER_GROUPS[1]!.values, { 'cluster-enabled': 'yes' });
  assert.equal(defaultParameterGroupName('redis7'), 'default.redis7');
  assert.equal(defaultParameterGroupName('redis7', true), 'default.redis7.cluster.on');
});

test('describeParameters overlays a group\'s values as Source user', () => {
  const params = describeParameters('redis7', { 'maxmemory-policy': 'allkeys-lru' });
  const p = params.find((x) => x.ParameterName === 'maxmemory-policy')!;
  assert.equal(p.ParameterValue, 'allkeys-lru');
  assert.equal(p.Source, 'user');
  const t = params.find((x) => x.ParameterName === 'timeout')!;
  assert.equal(t.Source, 'system');
  assert.equal(Object.hasOwn(t, 'redis'), false);
  const nke = params.find((x) => x.ParameterName === 'notify-keyspace-events')!;
  assert.equal(Object.hasOwn(nke, 'ParameterValue'), false);
});

test('cache node type specific parameters', () => {
  const specific = cacheNodeTypeSpecificParameters('redis7');
  assert.deepEqual(specific.map((p) => p.ParameterName), [
    'client-output-buffer-limit-replica-hard-limit', 'client-output-buffer-limit-replica-soft-limit', 'maxmemory',
  ]);
  const maxmemory = specific[2]!;
  assert.equal(maxmemory.IsModifiable, false);
  assert.deepEqual(
    maxmemory.CacheNodeTypeSpecificValues.find((v) => v.CacheNodeType === 'cache.r6g.large'),
    { CacheNodeType: 'cache.r6g.large', Value: '14037181030' },
  );
  assert.equal(maxmemory.CacheNodeTypeSpecificValues.some((v) => v.CacheNodeType.startsWith('cache.m3.')), false);
});

test('redisDirectives: maxmemory less reserved-memory-percent, mapped parameters, buffer limits', () => {
  const d = redisDirectives('redis7', {}, getNodeType('cache.t3.micro')!);
  assert.equal(d['maxmemory'], '402653184'); // 0.5 GiB less 25%, as INFO shows on ElastiCache
  assert.equal(d['maxmemory-policy'], 'volatile-lru');
  assert.equal(d['cluster-enabled'], 'no');
  assert.equal(d['maxclients'], '20000');
  assert.equal(d['cluster-preferred-endpoint-type'], 'ip');
  assert.deepEqual(d['client-output-buffer-limit'], [
    'normal 0 0 0', 'replica 53687091 53687091 60', 'pubsub 33554432 8388608 60',
  ]);
  for (const absent of ['reserved-memory-percent', 'close-on-replica-write', 'replica-allow-chaining',
    'notify-keyspace-events', 'rename-command', 'client-output-buffer-limit-normal-hard-limit']) {
    assert.equal(Object.hasOwn(d, absent), false, absent);
  }

  const custom = redisDirectives('redis7', {
    'reserved-memory-percent': '0', 'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': 'Ex',
    'rename-commands': 'flushall myflushall', 'client-output-buffer-limit-normal-hard-limit': '1048576',
    'cluster-enabled': 'yes', 'no-such-parameter': 'ignored',
  }, r6g);
  assert.equal(custom['maxmemory'], '14037181030');
  assert.equal(custom['maxmemory-policy'], 'allkeys-lru');
  assert.equal(custom['maxclients'], '65000');
  assert.equal(custom['notify-keyspace-events'], 'Ex');
  assert.deepEqual(custom['rename-command'], ['FLUSHALL myflushall']);
  assert.equal(custom['cluster-enabled'], 'yes');
  assert.deepEqual((custom['client-output-buffer-limit'] as string[])[0], 'normal 1048576 0 0');
  assert.equal(redisDirectives('redis7', { 'reserved-memory-percent': '50' }, r6g)['maxmemory'], '7018590515');
  assert.equal(redisDirectives('redis7', { 'reserved-memory-percent': '100' }, r6g)['maxmemory'], '1');
  assert.throws(() => redisDirectives('redis5.0', {}, r6g), /family/);
});

test('dynamicRedisConfig: CONFIG SET pairs for immediate changes', () => {
  const values = {
    'maxmemory-policy': 'allkeys-lfu', 'reserved-memory-percent': '10', timeout: '300',
    'client-output-buffer-limit-pubsub-hard-limit': '0', 'close-on-replica-write': 'no',
    'rename-commands': 'KEYS k', databases: '32', 'notify-keyspace-events': '',
  };
  const dyn = dynamicRedisConfig('redis7', [...Object.keys(values), 'timeout', 'unknown'], values, r6g);
  assert.deepEqual(dyn.pairs, [
    ['maxmemory-policy', 'allkeys-lfu'],
    ['timeout', '300'],
    ['notify-keyspace-events', ''],
    ['maxmemory', String(Math.floor((14037181030 * 90) / 100))],
    ['client-output-buffer-limit', 'normal 0 0 0 replica 1403718103 1403718103 60 pubsub 0 8388608 60'],
  ]);
  assert.deepEqual(dyn.restartRequired, ['rename-commands']);
  assert.deepEqual(dyn.pendingReboot, ['databases']);
  assert.deepEqual(dynamicRedisConfig('redis7', [], {}, r6g), { pairs: [], restartRequired: [], pendingReboot: [] });
});

test('effectiveParameterValues and renderRedisConf', () => {
  const eff = effectiveParameterValues('redis7', { timeout: '60' });
  assert.equal(eff['timeout'], '60');
  assert.equal(eff['tcp-keepalive'], '300');
  assert.equal(eff['notify-keyspace-events'], '');
  const conf = renderRedisConf({ maxmemory: '100', 'notify-keyspace-events': '', x: 'a b', 'rename-command': ['GET g', 'SET s'] });
  assert.equal(conf, 'maxmemory 100\nnotify-keyspace-events ""\nx "a b"\nrename-command GET g\nrename-command SET s\n');
});
