/**
 * A 3-shard snapshot restored into a Redis Cluster of its own shape (3 shards, the same slots, a
 * replica each) by restarting each primary on its own shard's RDB (src/snapshots/engine/seed.ts,
 * LocalProcessProvider.restartOnData), on real nodes: every key with its type, value and TTL in
 * its slot's shard, the replicas holding it all when the restore returns, the nodes' cluster
 * identities kept, no loader; too large a source refused with the shards left empty and
 * serving; sources that do not match the slots (Redis marks such slots importing) moved the
 * general way instead, leaving no open slot.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { AdminPool } from '../../src/engine/admin.js';
import { clusterMyself, myId } from '../../src/engine/cluster-admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { evenSlotRanges } from '../../src/engine/slot-plan.js';
import { restoreInto, type RestoreOptions } from '../../src/snapshots/engine/index.js';
import { RestoreTooLargeError, type TargetShard } from '../../src/snapshots/types.js';
import { useCleanup } from '../helpers/cleanup.js';
import { REDIS_SERVER, testNodeSpec } from '../helpers/redis.js';
import { redisCliCheck, TestCluster, type TestNode } from '../helpers/redis-cluster.js';
import { captureToBuffer, compareData, readNode, sourceOf, writeDataset, type KeyState } from '../helpers/snapshot-data.js';

const cleanup = useCleanup();
const pool = new AdminPool({ commandTimeoutMs: 5000 });
const RANGES = evenSlotRanges(3);
const LIBRARY = "#!lua name=cfseed\nredis.register_function('cfseed', function(keys, args) return args[1] end)";

/** Source shard i's RDB (keys of shard i's slots only), and everything the three hold. */
let sources: Buffer[];
let expected = new Map<string, KeyState>();
let expectedAt = 0;
let tc: TestCluster;
let primaries: TestNode[];
let replicas: TestNode[];
let shards: TargetShard[];

before(async () => {
  cleanup.defer(() => pool.closeAll());
  const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-seed-src-') });
  tc = await TestCluster.create(cleanup, 'cachefleet-seed-');
  const nodes = await tc.startNodes(6);
  primaries = nodes.slice(0, 3);
  replicas = nodes.slice(3);
  await tc.meetAll(nodes, 'mesh');
  await tc.formShards(primaries.map((p, i) => [p, replicas[i]!]), RANGES);
  shards = primaries.map((p, i) => ({ primary: { address: p.address, port: p.port }, slots: RANGES[i]!, replicas: 1 }));

  // Each source: a standalone node holding keys under 3 hash tags of its shard's slots (every type, TTLs, binary), and the library.
  sources = await Promise.all(RANGES.map(async ([[from, to]], i) => {
    const spec = await testNodeSpec();
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    const c = await pool.ready(spec.address, spec.port);
    let tags = 0;
    for (let t = 0; tags < 3; t++) {
      const slot = Number(await primaries[0]!.client.call('CLUSTER', 'KEYSLOT', `s${i}t${t}`));
      if (slot < from! || slot > to!) continue;
      await writeDataset(c, 200, `{s${i}t${t}}`);
      tags++;
    }
    await c.call('FUNCTION', 'LOAD', LIBRARY);
    return captureToBuffer({ address: spec.address, port: spec.port });
  }));
});

/** Restore options with seed hooks restarting the target primaries through the provider, counting restarts. */
async function seeded(extra: Partial<RestoreOptions> = {}): Promise<{ o: RestoreOptions; restarts: number[] }> {
  const restarts: number[] = [];
  const o: RestoreOptions = {
    redisServer: REDIS_SERVER, workDir: await cleanup.tmpDir('cachefleet-seed-work-'), trustedSources: true,
    seed: {
      restart: async (i: number, rdb: Readable, signal: AbortSignal) => {
        const p = primaries[i]!;
        const st = await tc.provider.restartOnData(p.spec, rdb, { signal });
        p.pid = st.pid;
        cleanup.trackPid(st.pid, tc.provider.paths(p.spec.key).conf);
        restarts.push(i);
      },
    },
    ...extra,
  };
  return { o, restarts };
}

async function keysOf(nodes: TestNode[]): Promise<Map<string, KeyState>> {
  const all = new Map<string, KeyState>();
  for (const n of nodes) for (const [k, v] of await readNode(n.client)) all.set(k, v);
  return all;
}

/** Keys held by a primary whose slot it does not own. */
async function misplaced(): Promise<string[]> {
  const out: string[] = [];
  for (const [i, p] of primaries.entries()) {
    const [[from, to]] = RANGES[i]!;
    for (const k of (await readNode(p.client)).keys()) {
      const slot = calculateSlot(Buffer.from(k, 'hex'));
      if (slot < from! || slot > to!) out.push(`${k} (slot ${slot}) on shard ${i + 1}`);
    }
  }
  return out;
}

async function emptyTargets(): Promise<void> {
  await Promise.all(primaries.map((p) => p.client.call('FLUSHALL', 'SYNC')));
}

describe('restoreInto a cluster of the snapshot\'s own shape, each primary restarted on its file', () => {
  it('every key in its shard, the replicas holding it all at once, identities kept, no loader', async () => {
    // The data the sources hold: the sources restored the general way first, read back, then emptied.
    await restoreInto(sources.map(sourceOf), shards, { redisServer: REDIS_SERVER, workDir: await cleanup.tmpDir('cachefleet-seed-work-') });
    expected = await keysOf(primaries);
    expectedAt = Date.now();
    assert.ok(expected.size > 1800, `${expected.size} keys`);
    await emptyTargets();

    const ids = await Promise.all(primaries.map((p) => myId(p.client)));
    const pids = primaries.map((p) => p.pid);
    const { o, restarts } = await seeded();
    const r = await restoreInto(sources.map(sourceOf), shards, o);
    assert.deepEqual(restarts.sort(), [0, 1, 2]);
    assert.equal(r.keys, expected.size);
    assert.ok(primaries.every((p, i) => p.pid !== pids[i]), 'each primary is a new process');
    assert.deepEqual(await Promise.all(primaries.map((p) => myId(p.client))), ids, 'each keeps its cluster identity');
    assert.deepEqual(compareData(await keysOf(primaries), expected, Date.now() - expectedAt + 1000), []);
    assert.deepEqual(await misplaced(), []);
    for (const [i, p] of primaries.entries()) {
      assert.equal(await replicas[i]!.client.dbsize(), await p.client.dbsize(), `shard ${i + 1}'s replica holds its data when the restore returns`);
      assert.equal(await p.client.call('FCALL', 'cfseed', '0', 'ok'), 'ok', `the library on shard ${i + 1}`);
      assert.deepEqual((await clusterMyself(p.client)).importing, []);
    }
    assert.deepEqual(await readdir(o.workDir), [], 'no loader');
    const check = await redisCliCheck(primaries[0]!);
    assert.equal(check.code, 0, check.output);
  });

  it('a source larger than the node type holds: RestoreTooLargeError, the shards empty and serving', async () => {
    const { o } = await seeded({ maxBytesPerShard: 16 * 1024 });
    await assert.rejects(restoreInto(sources.map(sourceOf), shards, o), RestoreTooLargeError);
    await tc.waitHealthy([...primaries, ...replicas], 30_000);
    assert.deepEqual(await Promise.all(primaries.map((p) => p.client.dbsize())), [0, 0, 0]);
  });

  it('sources in the wrong shards: moved the general way instead, every key in its slot\'s shard, no open slot', async () => {
    await emptyTargets();
    const { o, restarts } = await seeded();
    const swapped = [sources[1]!, sources[0]!, sources[2]!];
    const r = await restoreInto(swapped.map(sourceOf), shards, o);
    assert.ok(restarts.length > 0, 'the primaries were seeded first');
    assert.equal(r.keys, expected.size);
    assert.deepEqual(compareData(await keysOf(primaries), expected, Date.now() - expectedAt + 1000), []);
    assert.deepEqual(await misplaced(), []);
    for (const p of primaries) assert.deepEqual((await clusterMyself(p.client)).importing, []);
    await tc.waitHealthy([...primaries, ...replicas], 30_000);
    const check = await redisCliCheck(primaries[0]!);
    assert.equal(check.code, 0, check.output);
  });
});
