/**
 * Redis Functions survive a reshard out (JS SDK): a library loaded on the one primary of a
 * cluster-mode group, the group resharded 1 → 2 node groups, FCALL on keys whose slots moved to
 * the new shard works, because cluster formation gave the new primary the libraries before its
 * first slot (as `redis-cli --cluster add-node` does). A serverless cache's autoscaler adds shards
 * the same way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModifyReplicationGroupShardConfigurationCommand } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { clusterClient, keySlot, memberEndpoints, parseSlotRanges } from '../helpers/cluster-mode.js';
import { createGroup, waitAvailable } from '../helpers/groups.js';
import { startService } from '../helpers/service.js';

const GROUP = 'fn-shards';
const LIBRARY = `#!lua name=kv
redis.register_function('kv_get', function(keys) return redis.call('GET', keys[1]) end)
redis.register_function('kv_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)`;

const cleanup = useCleanup();

test('a library loaded before a reshard 1 → 2: FCALL works on keys whose slots moved to the new shard', { timeout: 240_000 }, async (t) => {
  const started = Date.now();
  const svc = await startService(cleanup);
  const g = await createGroup(svc.client, {
    ReplicationGroupId: GROUP, CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 1, ReplicasPerNodeGroup: 0,
  });
  const first = (await memberEndpoints(svc.client, g)).values().next().value!;
  const primary = new Redis({ host: first.address, port: first.port, lazyConnect: true });
  cleanup.defer(() => primary.disconnect());
  await primary.connect();
  assert.equal(await primary.call('FUNCTION', 'LOAD', LIBRARY), 'kv');
  const keys = Array.from({ length: 200 }, (_, i) => `key:${i}`);
  const cfg = { address: g.ConfigurationEndpoint!.Address!, port: g.ConfigurationEndpoint!.Port! };
  const cluster = clusterClient(cleanup, cfg);
  for (const k of keys) assert.equal(await cluster.call('FCALL', 'kv_set', '1', k, `v-${k}`), 'OK');

  await svc.client.send(new ModifyReplicationGroupShardConfigurationCommand({ ReplicationGroupId: GROUP, NodeGroupCount: 2, ApplyImmediately: true }));
  const after = await waitAvailable(svc.client, GROUP, 180_000, (x) => x.NodeGroups?.length === 2);
  const added = after.NodeGroups!.find((ng) => ng.NodeGroupId === '0002')!;
  const ranges = parseSlotRanges(added.Slots);
  const moved = keys.filter((k) => ranges.some(([a, b]) => keySlot(k) >= a && keySlot(k) <= b));
  assert.ok(moved.length > 50, `${moved.length} of the keys now live on shard 0002`);

  // The new primary holds the library itself (FUNCTION LOAD reached only the old one).
  const newPrimary = (await memberEndpoints(svc.client, after)).get(added.NodeGroupMembers![0]!.CacheClusterId!)!;
  const direct = new Redis({ host: newPrimary.address, port: newPrimary.port, lazyConnect: true });
  cleanup.defer(() => direct.disconnect());
  await direct.connect();
  assert.deepEqual((await direct.call('FUNCTION', 'LIST', 'WITHCODE') as unknown[][]).map((l) => [l[1], l[7]]), [['kv', LIBRARY]]);
  assert.ok(svc.logs.some((l) => /Functions copied to a new shard before it is given slots/.test(l) && l.includes(GROUP)), 'the copy is logged');

  // Through the cluster client: FCALL reads and writes keys of the moved slots, on the new shard.
  for (const k of moved) assert.equal(await cluster.call('FCALL', 'kv_get', '1', k), `v-${k}`, k);
  assert.equal(await cluster.call('FCALL', 'kv_set', '1', moved[0]!, 'after'), 'OK');
  assert.equal(await direct.get(moved[0]!), 'after', 'written on the new shard');
  t.diagnostic(`service start, create, load, reshard 1 → 2 and checks: ${Date.now() - started} ms`);
});
