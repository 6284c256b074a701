/**
 * The serverless endpoint engine while the cluster behind it changes: a slot migration and a
 * primary's crash with a manual takeover under client traffic, a worker killed, and the engine's
 * exit when proxy.json goes away. Clients see pauses, never errors (reads) or MOVED/ASK.
 */
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { Redis, type Cluster } from 'ioredis';
import { failover } from '../../src/engine/cluster-admin.js';
import { migrateSlots } from '../../src/engine/slot-migration.js';
import { waitFor } from '../../src/util/wait.js';
import { pidGone, useCleanup } from '../helpers/cleanup.js';
import type { TestNode } from '../helpers/redis-cluster.js';
import { endpointCluster, serverlessFixture, startEngine, waitStatus, type ServerlessFixture } from '../helpers/serverless-proxy.js';

const cleanup = useCleanup();
let f: ServerlessFixture;
let cc: Cluster;

/** `n` hash tags whose slots lie in [lo, hi], each a distinct slot. */
function tagsIn(lo: number, hi: number, n: number, prefix: string): { tag: string; slot: number }[] {
  const out: { tag: string; slot: number }[] = [];
  const seen = new Set<number>();
  for (let i = 0; out.length < n; i++) {
    const tag = `${prefix}${i}`;
    const slot = calculateSlot(tag);
    if (slot >= lo && slot <= hi && !seen.has(slot)) {
      seen.add(slot);
      out.push({ tag, slot });
    }
  }
  return out;
}

/** Clients writing then reading back their own keys (none shared) until stopped; every error is kept. */
function trafficLoop(keys: string[], opts: { writes: boolean }) {
  let stop = false;
  const errors: string[] = [];
  let ops = 0;
  let maxPauseMs = 0;
  const last = new Map<string, string>();
  const workers = 4;
  // Each worker has keys of its own (index ≡ w mod 4): two workers writing the same key would read
  // each other's value. With a shared key list they did, once a pause lined them up on one key.
  assert.equal(keys.length % workers, 0, 'as many keys for each worker');
  const loops = Array.from({ length: workers }, async (_, w) => {
    let i = w;
    while (!stop) {
      const k = keys[i % keys.length]!;
      i += workers;
      const t = performance.now();
      try {
        if (opts.writes) {
          const v = `${w}-${i}`;
          await cc.set(k, v);
          last.set(k, v);
          const got = await cc.get(k);
          if (got !== v) errors.push(`${k}: read ${got}, wrote ${v}`);
        } else await cc.get(k);
        ops++;
      } catch (e) {
        errors.push(`${k}: ${(e as Error).message}`);
      }
      maxPauseMs = Math.max(maxPauseMs, performance.now() - t);
    }
  });
  return {
    errors,
    get ops() { return ops; },
    get maxPauseMs() { return maxPauseMs; },
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

before(async () => {
  f = await serverlessFixture(cleanup, { shards: 3, replicas: 1, workers: 2 });
  // A frozen node is given up after 300-600 ms here (5-10 s by default).
  await startEngine(cleanup, f, { replyTimeoutMs: 300 });
  cc = endpointCluster(cleanup, f);
});

describe('serverless endpoint engine: the cluster changing behind it', { timeout: 120_000 }, () => {
  it('moves slots under a reader/writer loop with zero client errors', async () => {
    const [[p1], [p2], [p3]] = f.shards as [TestNode[], TestNode[], TestNode[]];
    const tags = tagsIn(0, 5460, 30, 'mig');
    const keys = tags.flatMap(({ tag }) => Array.from({ length: 20 }, (_, i) => `{${tag}}:${i}`));
    await Promise.all(keys.map((k) => cc.set(k, 'initial')));
    const loop = trafficLoop(keys, { writes: true });
    await waitFor(() => loop.ops > 200, { what: 'traffic to run' });
    const ep = (n: TestNode) => ({ client: n.client, address: n.address, port: n.port, id: n.id });
    const r = await migrateSlots({ source: ep(p1!), target: ep(p2!), others: [p3!.client], concurrency: 2 }, tags.map((t) => t.slot));
    const opsAfter = loop.ops;
    await waitFor(() => loop.ops > opsAfter + 100, { what: 'traffic after the move' });
    await loop.stop();
    assert.equal(r.keysMoved > 0, true);
    assert.deepEqual(loop.errors, []);
    assert.equal(await p2!.client.call('CLUSTER', 'COUNTKEYSINSLOT', String(tags[0]!.slot)), 20, 'the keys now live on the target');
    console.log(`migration: ${tags.length} slots, ${r.keysMoved} keys moved under ${loop.ops} ops, longest pause ${loop.maxPauseMs.toFixed(0)} ms`);
  });

  it('a WATCHed key whose slot moves: EXEC answers nil, as for any touched key, never MOVED; the retry commits on the new shard', async () => {
    const [[p1], [p2], [p3]] = f.shards as [TestNode[], TestNode[], TestNode[]];
    const [{ tag, slot }] = tagsIn(0, 5460, 40, 'watch').filter((t) => t.tag !== 'mig').slice(-1);
    const key = `{${tag}}:balance`;
    const w = new Redis({ host: f.host, port: f.port, tls: { ca: f.caPem }, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    cleanup.defer(() => w.disconnect());
    assert.equal(await w.set(key, '10'), 'OK');
    assert.equal(await w.watch(key), 'OK');
    const ep = (n: TestNode) => ({ client: n.client, address: n.address, port: n.port, id: n.id });
    await migrateSlots({ source: ep(p1!), target: ep(p2!), others: [p3!.client] }, [slot]);
    assert.equal(await p2!.client.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)), 1, 'the key moved');
    // MIGRATE removed the key from the node the WATCH was on: the transaction is not run.
    assert.equal(await w.multi().set(key, '20').exec(), null);
    assert.equal(await w.get(key), '10');
    assert.equal(await w.watch(key), 'OK');
    assert.deepEqual(await w.multi().set(key, '20').exec(), [[null, 'OK']]);
    assert.equal(await cc.get(key), '20');
  });

  it("kill -9 of a shard's primary, then CLUSTER FAILOVER TAKEOVER: reads pause, none fails", async () => {
    const [primary, replica] = f.shards[2]!;
    const keys = tagsIn(10923, 16383, 20, 'fo').map(({ tag }) => `{${tag}}:k`);
    await Promise.all(keys.map((k) => cc.set(k, 'v')));
    await waitFor(async () => /master_repl_offset:(\d+)/.exec(await replica!.client.info('replication'))?.[1] !== '0', { what: 'the replica to catch up' });
    const loop = trafficLoop(keys, { writes: false });
    await waitFor(() => loop.ops > 100, { what: 'reads to run' });
    await f.tc.kill(primary!);
    const opsAtKill = loop.ops;
    await failover(replica!.client, 'takeover');
    await waitFor(() => loop.ops > opsAtKill + 200, { timeoutMs: 20_000, what: 'reads to go on after the takeover' });
    await loop.stop();
    assert.deepEqual(loop.errors, []);
    console.log(`failover: reads paused at most ${loop.maxPauseMs.toFixed(0)} ms, ${loop.ops} reads, 0 errors`);
    assert.deepEqual(await Promise.all(keys.map((k) => cc.get(k))), keys.map(() => 'v'));
  });

  it('a frozen shard primary (SIGSTOP), then CLUSTER FAILOVER TAKEOVER: reads and a SET in flight to it pause and succeed on the new primary; an INCR fails, never hangs', async () => {
    const [primary, replica] = f.shards[1]!;
    const keys = tagsIn(5461, 10922, 20, 'fz').map(({ tag }) => `{${tag}}:k`);
    await Promise.all(keys.map((k) => cc.set(k, 'v')));
    const counter = keys[0]!.replace(':k', ':n');
    await cc.set(counter, '0');
    const offset = async (n: TestNode) => /master_repl_offset:(\d+)/.exec(await n.client.info('replication'))?.[1];
    await waitFor(async () => (await offset(replica!)) === (await offset(primary!)), { what: 'the replica to catch up' });
    const loop = trafficLoop(keys, { writes: false });
    await waitFor(() => loop.ops > 100, { what: 'reads to run' });
    process.kill(primary!.pid!, 'SIGSTOP');
    cleanup.defer(() => { try { process.kill(primary!.pid!, 'SIGCONT'); } catch { /* gone */ } });
    const t0 = performance.now();
    const write = cc.set(keys[0]!, 'written-while-frozen').then((r) => r, (e: Error) => e.message);
    const incr = cc.incr(counter).then((n) => `${n}`, (e: Error) => e.message);
    const opsAtFreeze = loop.ops;
    await failover(replica!.client, 'takeover');
    await waitFor(() => loop.ops > opsAtFreeze + 200, { timeoutMs: 20_000, what: 'reads to go on after the takeover' });
    const [w, i] = await Promise.all([write, incr]);
    const writeMs = performance.now() - t0;
    await loop.stop();
    process.kill(primary!.pid!, 'SIGCONT');
    assert.deepEqual(loop.errors, []);
    // SET applied twice is the same SET: sent again to the new primary. INCR may have run on the
    // frozen node (and be lost with it): the client is told so, not left waiting.
    assert.equal(w, 'OK');
    assert.match(i, /connection to the cache was lost while the command ran; it may have been executed \(backend .* did not answer for 300 ms\)/);
    assert.ok(writeMs < 5000, `the writes were answered after ${writeMs.toFixed(0)} ms`);
    console.log(`frozen primary: reads paused at most ${loop.maxPauseMs.toFixed(0)} ms, ${loop.ops} reads, 0 errors; the writes in flight answered after ${writeMs.toFixed(0)} ms`);
    assert.equal(await cc.get(keys[0]!), 'written-while-frozen');
    assert.deepEqual(await Promise.all(keys.slice(1).map((k) => cc.get(k))), keys.slice(1).map(() => 'v'));
  });

  it("killing one worker drops only that worker's clients; the supervisor starts another", async () => {
    const before = await waitStatus(f, (s) => s.workers.length === 2);
    const clients = Array.from({ length: 16 }, () => {
      const r = new Redis({ host: f.host, port: f.port, tls: { ca: f.caPem }, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      cleanup.defer(() => r.disconnect());
      return r;
    });
    await Promise.all(clients.map((c) => c.ping()));
    process.kill(before.workers[0]!, 'SIGKILL');
    await waitFor(() => clients.some((c) => c.status === 'end'), { timeoutMs: 5000, what: 'the killed worker\'s clients to drop' });
    const survivors = clients.filter((c) => c.status === 'ready');
    assert.ok(survivors.length > 0 && survivors.length < clients.length, `survivors ${survivors.length}/16`);
    assert.deepEqual(await Promise.all(survivors.map((c) => c.ping())), survivors.map(() => 'PONG'));
    const after = await waitStatus(f, (s) => s.workers.length === 2 && !s.workers.includes(before.workers[0]!));
    assert.ok(after.workers.includes(before.workers[1]!));
    assert.equal(await cc.get('{fo0}:k') ?? 'v', 'v');
  });

  it('exits with its workers when proxy.json disappears', async () => {
    const s = await waitStatus(f, (x) => x.workers.length === 2);
    unlinkSync(f.configPath);
    await waitFor(async () => (await pidGone(f.pid!)) && (await pidGone(s.workers[0]!)) && (await pidGone(s.workers[1]!)), { timeoutMs: 8000, what: 'the engine to exit' });
  });
});
