/** The backing nodes' configuration (node-parameters.ts): the fixed settings, and maxmemory from DataStorage.Maximum and the shard count. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { DEFAULT_SERVERLESS_SCALING } from '../../core/index.js';
import { backingGroupId } from '../../resources/serverless.js';
import { GB } from '../../resources/serverless-scaling.js';
import type { TestServices } from '../../resources/test-services.js';
import { getCluster, getGroup, groupSpecWrite, serverlessCacheCreate, type CacheUsageLimitsRecord, type ServerlessCacheSpec } from '../../store/index.js';
import { backupServices, seedGroup } from '../backups/test-fixtures.js';
import { serverlessNodeParameters } from './node-parameters.js';

let t: TestServices;
beforeEach(async () => { t = await backupServices(); });
afterEach(async () => { await t.close(); });

const settings = { ...DEFAULT_SERVERLESS_SCALING, shardMemoryBytes: 6 * GB };

async function seed(name: string, shards: number, limits?: CacheUsageLimitsRecord): Promise<void> {
  const gid = backingGroupId(name);
  await seedGroup(t, gid, { shards, replicas: 1 });
  const spec: ServerlessCacheSpec = {
    name, arn: `arn:${name}`, description: '', createdAt: '', engine: 'redis', majorEngineVersion: '7', fullEngineVersion: '7.0',
    securityGroupIds: [], subnetIds: [], snapshotRetentionLimit: 0, dailySnapshotTime: '04:00',
    endpoint: { address: '127.77.9.9', port: 6379 }, readerEndpoint: { address: '127.77.9.9', port: 6380 }, backingGroupId: gid, generation: 1,
    ...(limits ? { cacheUsageLimits: limits } : {}),
  };
  await t.store.commit([serverlessCacheCreate(spec)]);
}

async function values(memberId: string, applied?: string) {
  const c = structuredClone((await getCluster(t.store, memberId))!.doc);
  if (applied) c.appliedParameters = { maxmemory: applied };
  const group = (await t.store.get('cacheParameterGroup', 'default.redis7.cluster.on'))!.doc;
  return (await serverlessNodeParameters(t.store, settings, c, group))!.values;
}

test('customer clusters keep their parameter group; backing nodes get the fixed settings and the shard\'s capacity', async () => {
  await seedGroup(t, 'plain', { shards: 1 });
  const group = (await t.store.get('cacheParameterGroup', 'default.redis7.cluster.on'))!.doc;
  assert.equal(await serverlessNodeParameters(t.store, settings, (await getCluster(t.store, 'plain-0001-001'))!.doc, group), group);
  await seed('open', 2);
  const v = await values('serverless--open-0001-001');
  assert.equal(v['maxmemory-policy'], 'volatile-lru');
  assert.equal(v['maxclients'], '65000');
  assert.equal(v['maxmemory'], String(6 * GB));
  assert.equal(v['reserved-memory-percent'], '0');
});

test('DataStorage.Maximum is split between the shards; a scale-out lowers it only once done, a scale-in counts the shards that stay', async () => {
  await seed('capped', 2, { dataStorage: { maximum: 4, unit: 'GB' } });
  assert.equal((await values('serverless--capped-0002-001'))['maxmemory'], String(2 * GB));
  const g = (await getGroup(t.store, backingGroupId('capped')))!;
  // A scale-out under way (2 → 3): the shard keeps what it runs with.
  await t.store.commit(groupSpecWrite(g, { ...g.doc, resharding: { startedAt: '', totalSlots: 1, movedSlots: 0, keysMoved: 0, removing: [] } }));
  assert.equal((await values('serverless--capped-0001-001', String(2 * GB)))['maxmemory'], String(2 * GB));
  // A scale-in under way (2 → 1): the shard that stays gets the whole maximum at once.
  const g2 = (await getGroup(t.store, backingGroupId('capped')))!;
  await t.store.commit(groupSpecWrite(g2, { ...g2.doc, resharding: { startedAt: '', totalSlots: 1, movedSlots: 0, keysMoved: 0, removing: ['0002'] } }));
  assert.equal((await values('serverless--capped-0001-001', String(2 * GB)))['maxmemory'], String(4 * GB));
});
