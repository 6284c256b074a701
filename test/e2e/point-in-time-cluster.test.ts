/**
 * Point-in-time restore of a cluster-mode-enabled group (JS SDK, ioredis Cluster, the cachefleet
 * CLI): a 2-shard group tagged for it; keys written in a second T across both shards, more once
 * T+1 has begun; `cachefleet restore --to-time T --num-node-groups 3` replays both shards'
 * archives to the same second into a 3-shard group: every key of T on the primary owning its
 * slot, none written after, `redis-cli --cluster check` clean.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CreateReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { restoreWindows } from '../../src/cli/restore-command.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { clusterCheck, clusterClient, groupEvents, type Endpoint } from '../helpers/cluster-mode.js';
import { run } from '../helpers/e2e-exec.js';
import { describeGroup, waitAvailable } from '../helpers/groups.js';
import { CLI, startService, type TestService } from '../helpers/service.js';

const SOURCE = 'pitr-shop';
const TARGET = 'pitr-shop-3';
const KEYS = 200;

describe('point-in-time restore of a 2-shard group into 3 shards', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;

  const configEndpoint = async (id: string): Promise<Endpoint> => {
    const e = (await describeGroup(svc.client, id)).ConfigurationEndpoint!;
    return { address: e.Address!, port: e.Port! };
  };

  before(async () => {
    svc = await startService(cleanup, { args: ['--pitr-flush-ms', '500'] });
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: SOURCE, ReplicationGroupDescription: 'shop', CacheNodeType: 'cache.t3.micro',
      CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 2, ReplicasPerNodeGroup: 1,
      Tags: [{ Key: 'cachefleet:point-in-time-restore', Value: 'enabled' }],
    }));
    await waitAvailable(svc.client, SOURCE, 90_000);
  });

  test('every shard replayed to the same second, every key in its slot\'s shard of the new layout', async () => {
    await waitFor(async () => (await groupEvents(svc.client, SOURCE)).filter((e) => e.message.startsWith('Point-in-time recording started')).length === 2,
      { timeoutMs: 30_000, what: 'both shards\' recordings to start' });
    const source = clusterClient(cleanup, await configEndpoint(SOURCE));
    await source.set('warm-up', '1'); // the client has its slot map before the timed writes
    await waitFor(() => Date.now() % 1000 < 200, { timeoutMs: 2000, intervalMs: 5, what: 'the start of a second' });
    await Promise.all(Array.from({ length: KEYS }, (_, i) => source.set(`a:${i}`, `value-${i}`)));
    const T = Math.floor(Date.now() / 1000);
    assert.ok(Date.now() % 1000 < 700, 'the writes of T ended early in their second');
    await waitFor(() => Date.now() >= (T + 1) * 1000, { timeoutMs: 2000, intervalMs: 5, what: 'the next second' });
    await Promise.all(Array.from({ length: KEYS }, (_, i) => source.set(`b:${i}`, 'later')));
    await waitFor(async () => (await restoreWindows(svc.client, SOURCE)).windows.some((w) => Date.parse(w.from) <= T * 1000 && T * 1000 <= Date.parse(w.to)),
      { timeoutMs: 30_000, what: 'both shards\' archives to cover T' });

    const r = await run(process.execPath, [CLI, 'restore', '--source-group', SOURCE, '--to-time', String(T), '--target-group', TARGET,
      '--num-node-groups', '3', '--replicas-per-node-group', '0', '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 150_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const g = await waitAvailable(svc.client, TARGET, 10_000);
    assert.equal(g.NodeGroups?.length, 3);
    const check = await clusterCheck(await configEndpoint(TARGET));
    assert.ok(check.allCovered && check.code === 0, check.output);
    assert.deepEqual([check.masters, check.keys], [3, KEYS + 1], check.output); // a:* and warm-up
    const target = clusterClient(cleanup, await configEndpoint(TARGET));
    const values = await Promise.all(Array.from({ length: KEYS }, (_, i) => target.get(`a:${i}`)));
    assert.deepEqual(values, Array.from({ length: KEYS }, (_, i) => `value-${i}`));
    const later = await Promise.all(Array.from({ length: KEYS }, (_, i) => target.exists(`b:${i}`)));
    assert.equal(later.reduce((a, b) => a + b, 0), 0, 'nothing written after T');
  });
});
