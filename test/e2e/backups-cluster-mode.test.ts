/**
 * A 3-shard snapshot restored into 5 shards, into 1, and into 3 shards with a replica each (the
 * same shape as the source, the common case) with the JS SDK: every key present with its type,
 * value and TTL, each on the primary owning its slot, `redis-cli --cluster check` clean. Into the
 * same shape, each primary is restarted on its own shard's file (no key moved), and the group turns
 * available only once its replicas have copied it.
 */
import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import { CreateReplicationGroupCommand, CreateSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { clusterCheck, clusterClient, clusterNodesAt, keySlot, parseSlotRanges, type Endpoint } from '../helpers/cluster-mode.js';
import { describeGroup, waitAvailable } from '../helpers/groups.js';
import { startService, type TestService } from '../helpers/service.js';
import { compareData, readNode, type KeyState } from '../helpers/snapshot-data.js';
import { waitFor } from '../../src/util/wait.js';

const KEYS = 3000;
const TTL_MS = 600_000;

describe('JS SDK: a 3-shard snapshot restored into 5 shards, into 1 and into 3', { timeout: 360_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let atSnapshot: Map<string, KeyState>;
  let takenAt: number;

  const configEndpoint = async (id: string): Promise<Endpoint> => {
    const e = (await describeGroup(svc.client, id)).ConfigurationEndpoint!;
    return { address: e.Address!, port: e.Port! };
  };

  /** Every primary of a cluster (that owns slots), with its slot ranges. */
  async function primaries(id: string): Promise<Array<Endpoint & { ranges: [number, number][] }>> {
    const nodes = await clusterNodesAt(await configEndpoint(id));
    return nodes.filter((n) => n.master && n.slots.length).map((n) => ({
      address: n.address, port: n.port, ranges: n.slots.flatMap((s) => parseSlotRanges(s)),
    }));
  }

  /** The keys of every primary, together; and any key found on a primary that does not own its slot. */
  async function readCluster(id: string): Promise<{ keys: Map<string, KeyState>; misplaced: string[] }> {
    const keys = new Map<string, KeyState>();
    const misplaced: string[] = [];
    for (const p of await primaries(id)) {
      const c = new Redis({ host: p.address, port: p.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await c.connect();
        for (const [k, v] of await readNode(c)) {
          keys.set(k, v);
          const slot = keySlot(Buffer.from(k, 'hex').toString('latin1'));
          if (!p.ranges.some(([a, b]) => slot >= a && slot <= b)) misplaced.push(Buffer.from(k, 'hex').toString());
        }
      } finally {
        c.disconnect();
      }
    }
    return { keys, misplaced };
  }

  async function createCluster(id: string, shards: number, replicas: number, snapshot?: string): Promise<void> {
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: id, ReplicationGroupDescription: id, CacheNodeType: 'cache.t3.micro',
      CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: shards, ReplicasPerNodeGroup: replicas,
      ...(snapshot ? { SnapshotName: snapshot } : {}),
    }));
  }

  before(async () => {
    svc = await startService(cleanup);
    await createCluster('shop', 3, 1);
    await waitAvailable(svc.client, 'shop', 120_000);
    const cluster = clusterClient(cleanup, await configEndpoint('shop'));
    for (let start = 0; start < KEYS; start += 100) {
      await Promise.all(Array.from({ length: Math.min(100, KEYS - start) }, async (_, j) => {
        const i = start + j;
        const key = `key:${i}`;
        if (i % 4 === 0) await cluster.set(key, `value-${i}`);
        else if (i % 4 === 1) await cluster.hset(key, { a: String(i), b: 'x' });
        else if (i % 4 === 2) await cluster.rpush(key, 'one', String(i));
        else await cluster.zadd(key, i, `m${i}`);
        if (i % 9 === 0) await cluster.pexpire(key, TTL_MS);
      }));
    }
  });

  test('a snapshot of the 3-shard group: one file per shard', async () => {
    const source = await readCluster('shop');
    assert.equal(source.keys.size, KEYS);
    atSnapshot = source.keys;
    takenAt = Date.now();
    await svc.client.send(new CreateSnapshotCommand({ ReplicationGroupId: 'shop', SnapshotName: 'shop-three' }));
    const s = await waitFor(async () => {
      const snap = (await svc.client.send(new DescribeSnapshotsCommand({ SnapshotName: 'shop-three', ShowNodeGroupConfig: true }))).Snapshots![0]!;
      if (snap.SnapshotStatus === 'failed') throw new Error('the snapshot failed');
      return snap.SnapshotStatus === 'available' ? snap : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'the snapshot to be available' });
    assert.deepEqual(s.NodeSnapshots!.map((n) => n.NodeGroupId), ['0001', '0002', '0003']);
    assert.deepEqual(s.NodeSnapshots!.map((n) => n.NodeGroupConfiguration?.Slots), ['0-5461', '5462-10922', '10923-16383']);
    await waitAvailable(svc.client, 'shop', 30_000);
  });

  for (const [id, shards, replicas] of [['shop-wider', 5, 0], ['shop-single', 1, 0], ['shop-same', 3, 1]] as const) {
    test(`restored into ${shards} shard(s) with ${replicas} replica(s) each: every key, in its slot's shard, the cluster check clean`, async () => {
      await createCluster(id, shards, replicas, 'shop-three');
      await waitAvailable(svc.client, id, 180_000);
      const restored = await readCluster(id);
      assert.deepEqual(restored.misplaced, []);
      assert.deepEqual(compareData(restored.keys, atSnapshot, Date.now() - takenAt + 1000), []);
      const check = await clusterCheck(await configEndpoint(id));
      assert.equal(check.code, 0, check.output);
      assert.ok(check.allCovered, check.output);
      assert.deepEqual([check.keys, check.masters], [KEYS, shards], check.output);
      // Each replica holds its primary's keys (what a failover would promote).
      const replicaNodes = (await clusterNodesAt(await configEndpoint(id))).filter((n) => !n.master);
      assert.equal(replicaNodes.length, shards * replicas, 'every replica in the cluster');
      if (replicas > 0) {
        await waitFor(async () => {
          const sizes = await Promise.all(replicaNodes.map(async (n) => {
            const c = new Redis({ host: n.address, port: n.port, lazyConnect: true });
            try { await c.connect(); return await c.dbsize(); } finally { c.disconnect(); }
          }));
          return sizes.reduce((a, b) => a + b, 0) === KEYS;
        }, { timeoutMs: 20_000, what: 'the replicas to hold every key' });
      }
      const said = svc.logs.map((l) => /"msg":"([^"]*)"/.exec(l)?.[1] ?? '').filter((m) => m.startsWith(`restore into replication group '${id}':`));
      if (shards === 3) {
        // The snapshot's own shape: each primary was restarted on its shard's file, no key moved.
        assert.deepEqual(said, [`restore into replication group '${id}': ${KEYS.toLocaleString('en-US')} keys loaded from ${said[0]?.split(' from ')[1]?.split(' of RDB')[0]} of RDB by each shard's primary from its own file`]);
        return;
      }
      // The service's log told how far the restore was: loaded, then moved, to the last key.
      assert.match(said[0] ?? '', new RegExp(`: ${KEYS.toLocaleString('en-US')} keys loaded from [0-9.]+ [kMG]?B of RDB, moving them into ${shards} shards?$`), said.join('\n'));
      assert.equal(said.at(-1), `restore into replication group '${id}': ${KEYS.toLocaleString('en-US')} of ${KEYS.toLocaleString('en-US')} keys moved (100 %)`, said.join('\n'));
    });
  }
});
