/**
 * A 3-shard snapshot restored into 3 shards with the same slots, two ways, in one run
 * (`--only 'seed 3 shards'`, raw redis-servers, no service), both restoreInto:
 * - the general way (any shape): one loader per source RDB, then the pipelined GET/SET and
 *   DUMP/RESTORE stream into the shards' primaries;
 * - the way the service restores a snapshot into its own shape (seed.ts): each primary restarted
 *   once on its own RDB (LocalProcessProvider.restartOnData: a FIFO in place of its RDB file,
 *   its nodes.conf kept, so it keeps its identity and slots). No loader, no second copy of the
 *   data, no key moved.
 * Each shard's RDB is made by a standalone node (LocalProcessProvider, as the service starts them): the backups section's mixed data set
 * (fillMixed: strings, hashes, lists, sets, sorted sets of ~1 KB, some with a TTL), its keys under a
 * hash tag of one of the shard's slots, then `SAVE`. Rounds alternate the two ways.
 *
 *   rows.push(...seedThreeRows(await measureSeedThree({ keys: 1_000_000, rounds: 2 })));
 */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import { AdminPool } from '../src/engine/admin.js';
import { LocalProcessProvider } from '../src/engine/local-provider.js';
import { evenSlotRanges } from '../src/engine/slot-plan.js';
import { restoreInto } from '../src/snapshots/engine/index.js';
import { silentLogger } from '../src/util/logger.js';
import { waitFor } from '../src/util/wait.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { REDIS_SERVER, testNodeSpec } from '../test/helpers/redis.js';
import { redisCliCheck, TestCluster } from '../test/helpers/redis-cluster.js';
import { fillMixed } from './backups-data.js';
import { median, now, progress, ratio, sec, type Row } from './stats.js';

export interface SeedThreeResult {
  keys: number; rdbBytes: number; loaderMs: number[]; seededMs: number[]; seededLoadMs: number[];
  /** One round each into the same shards with a replica each (the restore ends once the replicas hold the data). */
  replicas?: { loaderMs: number; seededMs: number };
}

/** One RDB per shard: `keys` keys in all (fillMixed), under a hash tag of one of the shard's slots. */
async function shardRdbs(cleanup: Cleanup, probe: Redis, keys: number): Promise<string[]> {
  const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-bench-seed3-src-') });
  const pool = new AdminPool({ commandTimeoutMs: 60_000 });
  cleanup.defer(() => pool.closeAll());
  return Promise.all(evenSlotRanges(3).map(async ([[a, b]], i) => {
    let tag = '';
    for (let t = 0; !tag; t++) {
      const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', `s${i}x${t}`));
      if (slot >= a! && slot <= b!) tag = `{s${i}x${t}}`;
    }
    const spec = await testNodeSpec();
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    const node = await pool.ready(spec.address, spec.port);
    await fillMixed({ host: spec.address, port: spec.port }, Math.floor(keys / 3), 1000, tag);
    await node.call('SAVE');
    await provider.stop(spec.key);
    return join(provider.paths(spec.key).dir, 'dump.rdb');
  }));
}

export async function measureSeedThree(opts: { keys: number; rounds: number }): Promise<SeedThreeResult> {
  const cleanup = new Cleanup();
  try {
    const tc = await TestCluster.create(cleanup, 'cachefleet-bench-seed3-');
    const nodes = await tc.startNodes(3);
    progress(`seed 3 shards: making 3 shard RDBs of ${opts.keys.toLocaleString('en-US')} keys of 1 KB in all`);
    const rdbs = await shardRdbs(cleanup, nodes[0]!.client, opts.keys);
    const perShard = Math.floor(opts.keys / 3);
    const total = perShard * 3;
    await tc.meetAll(nodes, 'mesh');
    const ranges = evenSlotRanges(3);
    await tc.formShards(nodes.map((n) => [n]), ranges);
    const targets = nodes.map((n, i) => ({ primary: { address: n.address, port: n.port }, slots: ranges[i]! }));
    const result: SeedThreeResult = { keys: total, rdbBytes: rdbs.reduce((s, f) => s + statSync(f).size, 0), loaderMs: [], seededMs: [], seededLoadMs: [] };
    const sources = () => rdbs.map((f) => async () => createReadStream(f, { highWaterMark: 1 << 20 }));
    const workDir = () => cleanup.tmpDir('cachefleet-bench-seed3-work-');
    /** The general way: a loader per RDB, then the pipelined moves. */
    const viaLoaders = async (shards: typeof targets): Promise<number> => {
      await Promise.all(nodes.map((n) => n.client.call('FLUSHALL', 'SYNC')));
      const t0 = now();
      const r = await restoreInto(sources(), shards, { redisServer: REDIS_SERVER, workDir: await workDir(), logger: silentLogger, trustedSources: true });
      if (r.keys !== total) throw new Error(`the loader path moved ${r.keys} keys, not ${total}`);
      return now() - t0;
    };
    /** As the service does it: each primary restarted on its own RDB. Resolves with [all loaded, restore done]. */
    const seeded = async (shards: typeof targets): Promise<[number, number]> => {
      await Promise.all(nodes.map((n) => n.client.call('FLUSHALL', 'SYNC')));
      const loaded: number[] = [];
      const seed = { restart: async (k: number, rdb: Readable, signal: AbortSignal) => {
        const n = nodes[k]!;
        const st = await tc.provider.restartOnData(n.spec, rdb, { signal });
        n.pid = st.pid;
        cleanup.trackPid(st.pid, tc.provider.paths(n.spec.key).conf);
        await waitFor(() => n.client.dbsize().then((x) => x === perShard, () => false), { timeoutMs: 60_000, intervalMs: 20, what: `${n.address} loaded` });
        loaded.push(now());
      } };
      const t0 = now();
      const r = await restoreInto(sources(), shards, { redisServer: REDIS_SERVER, workDir: await workDir(), logger: silentLogger, trustedSources: true, seed });
      if (r.keys !== total) throw new Error(`the seeded path loaded ${r.keys} keys, not ${total}`);
      return [Math.max(...loaded) - t0, now() - t0];
    };
    for (let i = 0; i < opts.rounds; i++) {
      result.loaderMs.push(await viaLoaders(targets));
      progress(`seed 3 shards: round ${i + 1}: loaders and moves ${sec(result.loaderMs.at(-1)!)}`);
      const [load, done] = await seeded(targets);
      result.seededLoadMs.push(load);
      result.seededMs.push(done);
      progress(`seed 3 shards: round ${i + 1}: seeded ${sec(load)} (cluster ok at ${sec(done)})`);
    }
    // The usual shape of a restored group: a replica a shard. The restore ends once they hold the data.
    const replicas = await tc.startNodes(3);
    await tc.meetAll([...nodes, ...replicas], 'mesh');
    for (const [k, r] of replicas.entries()) await r.client.call('CLUSTER', 'REPLICATE', nodes[k]!.id);
    await tc.waitHealthy([...nodes, ...replicas], 30_000);
    const withReplicas = targets.map((t) => ({ ...t, replicas: 1 }));
    const moved = await viaLoaders(withReplicas);
    const t1 = now(); // until the replicas hold every key too, as the seeded restore's end means
    await waitFor(async () => (await Promise.all(replicas.map((r) => r.client.dbsize()))).reduce((a, b) => a + b, 0) === total,
      { timeoutMs: 60_000, intervalMs: 20, what: 'the replicas to hold every key' });
    result.replicas = { loaderMs: moved + (now() - t1), seededMs: 0 };
    progress(`seed 3 shards: with a replica a shard: loaders and moves ${sec(result.replicas.loaderMs)}`);
    result.replicas.seededMs = (await seeded(withReplicas))[1];
    progress(`seed 3 shards: with a replica a shard: seeded, replicas online ${sec(result.replicas.seededMs)}`);
    const held = await Promise.all(replicas.map((r) => r.client.dbsize()));
    if (held.reduce((a, b) => a + b, 0) !== total) throw new Error(`the replicas hold ${held.join(' + ')} keys when the seeded restore returns, not ${total}`);
    const sizes = await Promise.all(nodes.map((n) => n.client.dbsize()));
    if (sizes.reduce((a, b) => a + b, 0) !== total) throw new Error(`the 3 shards hold ${sizes.join(' + ')} keys, not ${total}`);
    const check = await redisCliCheck(nodes[0]!);
    if (check.code !== 0) throw new Error(`redis-cli --cluster check after seeding:\n${check.output}`);
    return result;
  } finally {
    await cleanup.run();
  }
}

export function seedThreeRows(r: SeedThreeResult): Row[] {
  const loader = median(r.loaderMs);
  const seeded = median(r.seededMs);
  const what = `${r.keys.toLocaleString('en-US')} keys, ${(r.rdbBytes / 1e9).toFixed(2)} GB in 3 RDBs, median of ${r.loaderMs.length}`;
  return [
    { measure: `Seed 3 shards (${what}): loaders and pipelined moves (the general way)`, value: sec(loader), goal: '< 10 s', ok: loader < 10_000 },
    { measure: 'Seed 3 shards: each primary restarted on its own RDB (the service, same shape): loaded / restore done (cluster ok)', value: `${sec(median(r.seededLoadMs))} / ${sec(seeded)}`, goal: '< 10 s', ok: seeded < 10_000 },
    { measure: 'Seed 3 shards: restarted on its RDB / loaders and moves', value: ratio(seeded / loader), goal: '' },
    ...(r.replicas ? [
      { measure: 'Seed 3 shards with a replica each: loaders and moves (SETs replicated as they go) / each primary restarted, then a full sync', value: `${sec(r.replicas.loaderMs)} / ${sec(r.replicas.seededMs)}`, goal: '' },
    ] : []),
  ];
}
