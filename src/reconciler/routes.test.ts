import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getNodeType } from '../catalog/node-types.js';
import { redisDirectives, validateParameterValue, findParameter } from '../catalog/parameters.js';
import type { CacheClusterRecord, CacheParameterGroupRecord, ReplicationGroupRecord } from '../store/index.js';
import { applyPlan, changedParameters, desiredParameters } from './desired.js';
import { desiredRoutes, durableOptions } from './routes.js';

const pg = (name: string, values: Record<string, string>): CacheParameterGroupRecord => ({
  name, arn: `arn:${name}`, family: 'redis7', description: '', isGlobal: false, builtIn: false, values, version: 1, createdAt: '',
});

const group = (id: string, paramGroup: string): ReplicationGroupRecord => ({
  id, cacheParameterGroupName: paramGroup, primaryClusterId: `${id}-001`, memberClusters: [`${id}-001`, `${id}-002`],
  primaryEndpoint: { address: '127.77.0.10', port: 6379 }, readerEndpoint: { address: '127.77.0.11', port: 6379 },
} as unknown as ReplicationGroupRecord);

const cluster = (id: string, address: string, role: 'primary' | 'replica'): CacheClusterRecord => ({
  id, cacheNodeType: 'cache.t3.micro', deleteRequested: false,
  nodes: [{ id: '0001', address, port: 6379, observed: { role, linkUp: true } }],
} as unknown as CacheClusterRecord);

describe('durable primary endpoints', () => {
  const clusters = new Map([
    ['g-001', cluster('g-001', '127.77.0.2', 'primary')],
    ['g-002', cluster('g-002', '127.77.0.3', 'replica')],
  ]);

  it('the primary route is durable when the group\'s parameter group says yes; the reader never', () => {
    const groups = new Map([['durable', pg('durable', { 'cachefleet-durable-writes': 'yes', 'cachefleet-durable-timeout-ms': '250' })]]);
    const routes = desiredRoutes([group('g', 'durable')], clusters, groups);
    assert.deepEqual(routes.find((r) => r.id === 'g/primary')!.durable, { timeoutMs: 250 });
    assert.equal(routes.find((r) => r.id === 'g/reader')!.durable, undefined);
  });

  it('off by default, with the family default timeout when on', () => {
    assert.equal(durableOptions(group('g', 'p'), new Map([['p', pg('p', {})]])), undefined);
    assert.equal(durableOptions(group('g', 'p'), new Map([['p', pg('p', { 'cachefleet-durable-writes': 'no' })]])), undefined);
    assert.equal(durableOptions(group('g', 'missing'), new Map()), undefined);
    assert.deepEqual(durableOptions(group('g', 'p'), new Map([['p', pg('p', { 'cachefleet-durable-writes': 'yes' })]])), { timeoutMs: 1000 });
    // Without parameter groups (older callers): routes as before, no durable field at all.
    assert.ok(desiredRoutes([group('g', 'p')], clusters).every((r) => !('durable' in r)));
  });

  it('the parameters are validated as declared', () => {
    const w = findParameter('redis7', 'cachefleet-durable-writes')!;
    const t = findParameter('redis7', 'cachefleet-durable-timeout-ms')!;
    assert.equal(w.ParameterValue, 'no');
    assert.equal(w.ChangeType, 'immediate');
    assert.equal(w.IsModifiable, true);
    assert.equal(w.redis, null);
    assert.equal(t.redis, null);
    assert.equal(validateParameterValue(w, 'yes'), undefined);
    assert.match(validateParameterValue(w, 'true')!, /Allowed values: yes,no/);
    assert.equal(validateParameterValue(t, '10'), undefined);
    assert.equal(validateParameterValue(t, '60000'), undefined);
    assert.ok(validateParameterValue(t, '5'));
    assert.ok(validateParameterValue(t, '60001'));
  });

  it('changing them is no redis-server config: no CONFIG SET, no restart, no pending-reboot', () => {
    const nodeType = getNodeType('cache.t3.micro')!;
    const before = pg('p', {});
    const after = pg('p', { 'cachefleet-durable-writes': 'yes', 'cachefleet-durable-timeout-ms': '300' });
    const c = { ...cluster('g-001', '127.77.0.2', 'primary'), appliedParameters: desiredParameters(before), appliedNodeType: 'cache.t3.micro' };
    const changed = changedParameters(c, after);
    assert.deepEqual(changed.sort(), ['cachefleet-durable-timeout-ms', 'cachefleet-durable-writes']);
    assert.deepEqual(applyPlan(c, after, changed), { pairs: [], restartRequired: [], pendingReboot: [] });
    const directives = Object.keys(redisDirectives('redis7', after.values, nodeType));
    assert.ok(!directives.some((d) => d.startsWith('cachefleet')), 'nothing in redis.conf');
  });
});
