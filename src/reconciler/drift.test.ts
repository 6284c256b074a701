import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigDrift, driftedSettings, managedConfig, shown, type DriftClient } from './drift.js';

/** A node that keeps its config in a map and, like Redis, prints some values its own way. */
function fakeNode(config: Record<string, string>): DriftClient & { config: Map<string, string>; sets: string[][] } {
  const map = new Map(Object.entries(config));
  const sets: string[][] = [];
  const spell = (name: string, value: string) => (name === 'notify-keyspace-events' ? [...value].reverse().join('') : value);
  return {
    config: map, sets,
    async call(command: string, args: string[]) {
      assert.equal(command, 'CONFIG');
      const [op, ...rest] = args;
      if (op === 'GET') return rest.flatMap((n) => (map.has(n) ? [n, map.get(n)!] : []));
      sets.push(rest);
      for (let i = 0; i + 1 < rest.length; i += 2) map.set(rest[i]!, spell(rest[i]!, rest[i + 1]!));
      return 'OK';
    },
  };
}

describe('configuration drift', () => {
  it('manages every dynamic parameter of the group, maxmemory from the node type, and the service settings of the config', () => {
    const desired = managedConfig({ cacheNodeType: 'cache.t3.micro' }, { family: 'redis7', values: { 'maxmemory-policy': 'allkeys-lru' } },
      { config: { masteruser: 'cachefleet-admin', masterauth: 'secret', 'cluster-replica-no-failover': 'yes', 'cluster-enabled': 'yes' } });
    assert.equal(desired['maxmemory-policy'], 'allkeys-lru');
    assert.match(desired['maxmemory']!, /^\d+$/);
    assert.equal(desired['masteruser'], 'cachefleet-admin');
    assert.equal(desired['masterauth'], 'secret');
    assert.equal(desired['cluster-replica-no-failover'], 'yes');
    assert.equal(desired['cluster-enabled'], undefined, 'static: cannot drift without a restart, which renders it again');
    assert.ok('notify-keyspace-events' in desired, 'a default value is managed too');
  });

  it('compares with the live form of a desired value once known, and leaves unknown names alone', () => {
    const desired = { 'maxmemory-policy': 'volatile-lru', 'notify-keyspace-events': 'Ex', 'no-such': '1' };
    const live = new Map([['maxmemory-policy', 'allkeys-lru'], ['notify-keyspace-events', 'xE']]);
    assert.deepEqual(driftedSettings(desired, live, new Map()), ['maxmemory-policy', 'notify-keyspace-events']);
    const forms = new Map([['notify-keyspace-events', { desired: 'Ex', live: 'xE' }]]);
    assert.deepEqual(driftedSettings(desired, live, forms), ['maxmemory-policy']);
    // A form remembered for another desired value does not count.
    const stale = new Map([['notify-keyspace-events', { desired: 'K', live: 'xE' }]]);
    assert.deepEqual(driftedSettings(desired, live, stale), ['maxmemory-policy', 'notify-keyspace-events']);
  });

  it('puts drifted settings back in one CONFIG SET and reports only real drift, not a value spelled differently', async () => {
    const node = fakeNode({ 'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': 'xE', maxmemory: '100' });
    const drift = new ConfigDrift(1000);
    const desired = { 'maxmemory-policy': 'volatile-lru', 'notify-keyspace-events': 'Ex', maxmemory: '100' };
    assert.deepEqual(await drift.repair(node, 'n1', desired), [{ name: 'maxmemory-policy', observed: 'allkeys-lru', desired: 'volatile-lru' }]);
    assert.deepEqual(node.sets, [['maxmemory-policy', 'volatile-lru', 'notify-keyspace-events', 'Ex']]);
    // At rest: nothing is set again, the Redis spelling is known now.
    assert.deepEqual(await drift.repair(node, 'n1', desired), []);
    assert.equal(node.sets.length, 1);
    // Drift of a value Redis spells its own way is reported with both values.
    node.config.set('notify-keyspace-events', 'AK');
    assert.deepEqual(await drift.repair(node, 'n1', desired), [{ name: 'notify-keyspace-events', observed: 'AK', desired: 'Ex' }]);
    assert.equal(node.config.get('notify-keyspace-events'), 'xE');
  });

  it('checks a cluster at most once per interval; 0 never', () => {
    let t = 0;
    const drift = new ConfigDrift(1000, () => t);
    assert.equal(drift.due('c1'), true);
    assert.equal(drift.due('c1'), false);
    assert.equal(drift.due('c2'), true);
    t = 999;
    assert.equal(drift.due('c1'), false);
    t = 1000;
    assert.equal(drift.due('c1'), true);
    assert.equal(new ConfigDrift(0).due('c1'), false);
  });

  it('never shows a secret value', () => {
    assert.equal(shown('masterauth', 'f'.repeat(64)), '(hidden)');
    assert.equal(shown('maxmemory-policy', 'allkeys-lru'), 'allkeys-lru');
    assert.equal(shown('notify-keyspace-events', ''), '""');
  });
});
