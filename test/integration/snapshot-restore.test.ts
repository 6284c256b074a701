/**
 * Restoring RDB sources into real nodes of any shape (src/snapshots/engine/restore.ts): one
 * cluster-mode-disabled node (its primary loads the RDB itself; with MIGRATE as well), a 3-source
 * snapshot into a 3-shard and a 5-shard Redis Cluster and into 1 shard, TLS targets, and the
 * refusals (too large, corrupt, databases a cluster does not have), each leaving the targets
 * untouched and no loader process or directory behind.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { AdminPool, observeNode, replicaOf } from '../../src/engine/admin.js';
import type { SlotRange } from '../../src/engine/cluster-nodes.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { evenSlotRanges } from '../../src/engine/slot-plan.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { Crc64, RdbChecksumTap } from '../../src/snapshots/engine/crc64.js';
import { restoreInto, type RestoreOptions } from '../../src/snapshots/engine/index.js';
import { CorruptSnapshotError, RestoreTooLargeError, type TargetShard } from '../../src/snapshots/types.js';
import { waitFor } from '../../src/util/wait.js';
import { pidsReferencing, useCleanup } from '../helpers/cleanup.js';
import { makeCertificates } from '../helpers/endpoints-tls.js';
import { leastPrivilegeMissing, nodeUser, processUid } from '../helpers/host-user.js';
import { REDIS_SERVER, testNodeSpec } from '../helpers/redis.js';
import { redisCliCheck, TestCluster, type TestNode } from '../helpers/redis-cluster.js';
import { captureToBuffer, compareData, readNode, sourceOf, writeDataset, type KeyState } from '../helpers/snapshot-data.js';

const cleanup = useCleanup();
let provider: LocalProcessProvider;
const pool = new AdminPool({ commandTimeoutMs: 5000 });
const admin = (s: { address: string; port: number }) => pool.ready(s.address, s.port);

/** The 3 sources of a 3-shard snapshot, and everything they hold (read when they were captured). */
let sources: Buffer[];
let expected: Map<string, KeyState>;
let expectedAt: number;

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-restore-') });
  cleanup.defer(() => pool.closeAll());
  const nodes = await Promise.all([0, 1, 2].map(() => start()));
  await Promise.all(nodes.map(async (n, i) => writeDataset(await admin(n), 1200, `s${i}`)));
  // A library of Functions on one source: keys move without them, so the restore carries them.
  await (await admin(nodes[0]!)).call('FUNCTION', 'LOAD', LIBRARY);
  expectedAt = Date.now();
  expected = new Map();
  for (const n of nodes) for (const [k, v] of await readNode(await admin(n))) expected.set(k, v);
  sources = await Promise.all(nodes.map((n) => captureToBuffer(target(n))));
});

async function start(overrides: Partial<NodeSpec> = {}): Promise<NodeSpec> {
  const spec = await testNodeSpec(overrides);
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return spec;
}

/** Restore options with a fresh work directory (checked empty afterwards by `assertNoLoaderLeft`). */
async function options(extra: Partial<RestoreOptions> = {}): Promise<RestoreOptions> {
  return { redisServer: REDIS_SERVER, workDir: await cleanup.tmpDir('cachefleet-restore-work-'), ...extra };
}

async function assertNoLoaderLeft(o: RestoreOptions): Promise<void> {
  assert.deepEqual(await readdir(o.workDir), [], 'loader directories removed');
  assert.deepEqual(await pidsReferencing(`${o.workDir}/`), [], 'loader processes stopped');
}

const target = (n: { address: string; port: number }) => ({ address: n.address, port: n.port });

const LIBRARY = "#!lua name=cfrestore\nredis.register_function('cfecho', function(keys, args) return args[1] end)";

/** The source's library answers on `client`'s node. */
async function assertFunctions(client: Redis, what: string): Promise<void> {
  assert.equal(await client.call('FCALL', 'cfecho', '0', 'restored'), 'restored', `the snapshot's functions on ${what}`);
}

/** Keys of every primary, each checked to be in a slot its node owns. */
async function readCluster(primaries: Array<{ node: TestNode; slots: SlotRange[] }>): Promise<Map<string, KeyState>> {
  const all = new Map<string, KeyState>();
  for (const { node, slots } of primaries) {
    const data = await readNode(node.client);
    for (const [k, v] of data) {
      const slot = calculateSlot(Buffer.from(k, 'hex'));
      assert.ok(slots.some(([a, b]) => slot >= a && slot <= b), `key ${Buffer.from(k, 'hex')} (slot ${slot}) on a node not owning it`);
      all.set(k, v);
    }
  }
  return all;
}

async function cluster(shards: number): Promise<{ tc: TestCluster; primaries: Array<{ node: TestNode; slots: SlotRange[] }> }> {
  const tc = await TestCluster.create(cleanup);
  const nodes = await tc.startNodes(shards);
  await tc.meetAll(nodes, 'mesh');
  const ranges = evenSlotRanges(shards);
  await tc.formShards(nodes.map((n) => [n]), ranges);
  return { tc, primaries: nodes.map((node, i) => ({ node, slots: ranges[i]! })) };
}

describe('restoreInto', () => {
  it('one source into a cluster-mode-disabled node: its primary loads it, its replica follows, databases kept', async () => {
    const src = await start();
    const s = await admin(src);
    await writeDataset(s, 600, 'cmd');
    await s.select(3);
    await writeDataset(s, 100, 'db3');
    await s.select(0);
    const t0 = Date.now();
    const want0 = await readNode(s);
    const want3 = await readNode(s, 3);
    const rdb = await captureToBuffer(target(src));

    const [primary, replica] = await Promise.all([start(), start()]);
    await replicaOf(await admin(replica), primary);
    await waitFor(async () => (await observeNode(await admin(replica))).linkUp, { timeoutMs: 5000, what: 'replica link' });
    const o = await options();
    const progress: number[] = [];
    // A trusted source is read once, straight into the primary.
    let opens = 0;
    const counted = () => { opens++; return sourceOf(rdb)(); };
    const r = await restoreInto([counted], [{ primary: target(primary) }], { ...o, trustedSources: true, onProgress: (p) => progress.push(p.keys) });
    assert.equal(opens, 1, 'a trusted source is read and decoded once');
    assert.equal(r.keys, want0.size + want3.size);
    assert.equal(r.bytes, rdb.length);
    assert.deepEqual(progress, [r.keys]);
    const p = await admin(primary);
    assert.equal((await observeNode(p)).role, 'primary', 'promoted back');
    const got0 = await readNode(p);
    const got3 = await readNode(p, 3);
    assert.deepEqual(compareData(got0, want0, Date.now() - t0), []);
    assert.deepEqual(compareData(got3, want3, Date.now() - t0), []);
    // The group's replica resyncs from its primary.
    await waitFor(async () => (await observeNode(await admin(replica))).linkUp && (await (await admin(replica)).dbsize()) === want0.size,
      { timeoutMs: 10_000, what: 'the replica to hold the restored data' });
    await assertNoLoaderLeft(o);

    // The same through MIGRATE, into a fresh node.
    const other = await start();
    const o2 = await options({ method: 'migrate', batchKeys: 64 });
    const r2 = await restoreInto([sourceOf(rdb)], [{ primary: target(other) }], o2);
    assert.equal(r2.keys, want0.size + want3.size);
    assert.deepEqual(compareData(await readNode(await admin(other)), want0, Date.now() - t0), []);
    assert.deepEqual(compareData(await readNode(await admin(other), 3), want3, Date.now() - t0), []);
    await assertNoLoaderLeft(o2);

    // And as a pipelined DUMP/RESTORE stream (databases selected on the target as well).
    const third = await start();
    const o3 = await options({ method: 'pipe', batchKeys: 50 });
    const r3 = await restoreInto([sourceOf(rdb)], [{ primary: target(third) }], o3);
    assert.equal(r3.keys, want0.size + want3.size);
    assert.deepEqual(compareData(await readNode(await admin(third)), want0, Date.now() - t0), []);
    assert.deepEqual(compareData(await readNode(await admin(third), 3), want3, Date.now() - t0), []);
    await assertNoLoaderLeft(o3);
  });

  for (const shards of [3, 5]) {
    it(`a 3-source snapshot into a ${shards}-shard cluster: every key in its slot's shard, cluster check clean`, async () => {
      const { primaries } = await cluster(shards);
      const o = await options({ batchKeys: 100 });
      const r = await restoreInto(sources.map(sourceOf), primaries.map((p) => ({ primary: target(p.node), slots: p.slots })), o);
      assert.equal(r.keys, expected.size);
      assert.deepEqual(compareData(await readCluster(primaries), expected, Date.now() - expectedAt), []);
      for (const [i, p] of primaries.entries()) await assertFunctions(p.node.client, `shard ${i + 1}`);
      const check = await redisCliCheck(primaries[0]!.node);
      assert.equal(check.code, 0, check.output);
      assert.match(check.output, /All 16384 slots covered/);
      await assertNoLoaderLeft(o);
    });
  }

  it('a 3-source snapshot into 1 shard (loaders run as the node user when the service is root)', async (t) => {
    const one = await start();
    const asUser = leastPrivilegeMissing() === false ? nodeUser() : undefined;
    if (!asUser) t.diagnostic(`loaders run as the service's user: ${leastPrivilegeMissing()} missing`);
    const o = await options(asUser ? { nodeUser: asUser } : {});
    // A source is opened when its loader asks for it (PSYNC): the loader runs then, surely.
    const uids = new Set<number>();
    const watched = sources.map((rdb) => async () => {
      for (const pid of await pidsReferencing(`${o.workDir}/`)) uids.add(await processUid(pid));
      return sourceOf(rdb)();
    });
    const r = await restoreInto(watched, [{ primary: target(one) }], o);
    assert.equal(r.keys, expected.size);
    assert.deepEqual(compareData(await readNode(await admin(one)), expected, Date.now() - expectedAt), []);
    assert.ok(uids.size > 0, 'loaders seen');
    assert.deepEqual([...uids], [asUser?.uid ?? process.getuid!()]);
    await assertFunctions(await admin(one), 'the shard');
    await assertNoLoaderLeft(o);
  });

  it('too large for the target: RestoreTooLargeError, targets untouched, loaders gone', async () => {
    const { primaries } = await cluster(3);
    const o = await options({ maxBytesPerShard: 64 * 1024 });
    await assert.rejects(restoreInto(sources.map(sourceOf), primaries.map((p) => ({ primary: target(p.node), slots: p.slots })), o),
      (e: unknown) => e instanceof RestoreTooLargeError && /more than the 0\.1 MiB/.test(e.message));
    for (const p of primaries) assert.equal(await p.node.client.dbsize(), 0);
    await assertNoLoaderLeft(o);
  });

  it('a trusted source into 1 shard, too large or failing at its very end: the primary never takes it and keeps its data', async () => {
    const one = await start();
    const a = await admin(one);
    await a.set('kept', 'yes');
    const o = await options({ maxBytesPerShard: 1024, trustedSources: true });
    await assert.rejects(restoreInto([sourceOf(sources[0]!)], [{ primary: target(one) }], o),
      (e: unknown) => e instanceof RestoreTooLargeError && /\(the size of its RDB\), more than the 0\.0 MiB/.test(e.message));
    assert.equal((await observeNode(a)).role, 'primary');
    assert.deepEqual([await a.dbsize(), await a.get('kept')], [1, 'yes']);
    await assertNoLoaderLeft(o);
    // A tampered file is found out at its last frame, when the primary already holds all but the transfer's mark.
    const whole = sources[0]!;
    const failingAtEnd = async () => Readable.from((async function* () {
      yield whole.subarray(0, whole.length - 8);
      throw new CorruptSnapshotError('authentication tag mismatch');
    })());
    const o2 = await options({ trustedSources: true });
    await assert.rejects(restoreInto([failingAtEnd], [{ primary: target(one) }], o2), /authentication tag mismatch/);
    assert.equal((await observeNode(a)).role, 'primary');
    assert.deepEqual([await a.dbsize(), await a.get('kept')], [1, 'yes']);
    await assertNoLoaderLeft(o2);
  });

  it('an untrusted source into 1 shard: an RDB larger than the node type is refused before the primary is touched; data that turns out larger once loaded is flushed', async () => {
    const one = await start();
    const a = await admin(one);
    await a.set('kept', 'yes');
    const rdb = sources[0]!;
    let opens = 0;
    const counted = () => { opens++; return sourceOf(rdb)(); };
    const o = await options({ maxBytesPerShard: rdb.length - 1 });
    await assert.rejects(restoreInto([counted], [{ primary: target(one) }], o),
      (e: unknown) => e instanceof RestoreTooLargeError && /the size of its RDB/.test(e.message));
    assert.equal(opens, 1, 'read by the checker only');
    assert.deepEqual([await a.dbsize(), await a.get('kept')], [1, 'yes']);
    // Just above the RDB's size: the RDB passes, the data in memory (every key's overhead) does not.
    const o2 = await options({ maxBytesPerShard: rdb.length + 1 });
    await assert.rejects(restoreInto([sourceOf(rdb)], [{ primary: target(one) }], o2),
      (e: unknown) => e instanceof RestoreTooLargeError && /in the primary once loaded, more than the/.test(e.message));
    assert.equal((await observeNode(a)).role, 'primary');
    assert.equal(await a.dbsize(), 0, 'flushed');
    // A crafted file whose CRC-64 agrees but whose object Redis cannot parse (type 99): Redis's
    // checker finds it, and the primary, which would exit loading it, is never sent it.
    const crafted = Buffer.concat([rdb.subarray(0, 9), Buffer.from([99, 1, 0x61, 1, 0x62, 0xff]), Buffer.alloc(8)]);
    const crc = new Crc64();
    crc.update(crafted.subarray(0, crafted.length - 8));
    crafted.writeBigUInt64LE(crc.value, crafted.length - 8);
    await a.set('kept', 'yes');
    await assert.rejects(restoreInto([sourceOf(crafted)], [{ primary: target(one) }], await options()),
      (e: unknown) => e instanceof CorruptSnapshotError && /^source 1 of the snapshot \(an RDB file\) could not be loaded: the RDB is not sound/.test(e.message));
    assert.deepEqual([await a.ping(), await a.get('kept')], ['PONG', 'yes']);
    // A source whose read fails midway (a network error): that error, not a "truncated RDB" from
    // the checker whose input was cut (a corrupt file fails the restore for good; this may pass).
    const flaky = async () => Readable.from((async function* () {
      yield rdb.subarray(0, 1000);
      throw new Error('connection reset by the bucket');
    })());
    await assert.rejects(restoreInto([flaky], [{ primary: target(one) }], await options()),
      (e: unknown) => !(e instanceof CorruptSnapshotError) && /connection reset by the bucket/.test((e as Error).message));
    assert.equal(await a.get('kept'), 'yes');
    await a.del('kept');
    // With room: checked, then loaded, and the keys counted from the primary.
    const o3 = await options({ maxBytesPerShard: 64 * rdb.length });
    const r = await restoreInto([sourceOf(rdb)], [{ primary: target(one) }], o3);
    assert.equal(r.keys, await a.dbsize());
    assert.equal(r.bytes, rdb.length);
    assert.ok(r.keys > 0);
    await assertNoLoaderLeft(o3);
  });

  it('a target primary killed in the middle of a pipelined restore: the restore fails naming it, loaders gone', async () => {
    const { primaries } = await cluster(3);
    const victim = primaries[1]!.node;
    assert.ok(victim.pid, 'the test cluster knows its nodes\' pids');
    let killed = false;
    const o = await options({
      batchKeys: 50,
      // At the first batch: keys are already on their way to every shard.
      onProgress: (p) => { if (p.keys > 0 && !killed) { killed = true; process.kill(victim.pid!, 'SIGKILL'); } },
    });
    await assert.rejects(restoreInto(sources.map(sourceOf), primaries.map((p) => ({ primary: target(p.node), slots: p.slots })), o),
      (e: unknown) => e instanceof Error && e.message.includes(`${victim.address}:${victim.port}`));
    assert.ok(killed);
    await assertNoLoaderLeft(o);
  });

  it('refuses a corrupt source and keys outside database 0 for a cluster; passes a source\'s own error on', async () => {
    const one = await start();
    // The service's CRC-64 agrees with Redis's on real RDB files: it is what refuses a corrupt one.
    for (const rdb of sources) {
      const tap = new RdbChecksumTap();
      await pipeline(await sourceOf(rdb)(), tap, new Writable({ write: (_c, _e, cb) => cb() }));
      assert.equal((await tap.verdict).state, 'match');
    }
    const corrupt = Buffer.from(sources[0]!);
    corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
    const o = await options();
    await assert.rejects(restoreInto([sourceOf(corrupt)], [{ primary: target(one) }], o),
      (e: unknown) => e instanceof CorruptSnapshotError && /is corrupt: its CRC-64 is|could not be loaded/.test(e.message));
    await assertNoLoaderLeft(o);
    // Every byte loads, but the checksum disagrees (the loader does not check it: the service does).
    const badSum = Buffer.from(sources[0]!);
    badSum[badSum.length - 1]! ^= 0x01;
    await assert.rejects(restoreInto([sourceOf(badSum)], [{ primary: target(one) }], o),
      (e: unknown) => e instanceof CorruptSnapshotError && /^source 1 of the snapshot \(an RDB file\) is corrupt: its CRC-64 is 0x/.test(e.message));
    await assertNoLoaderLeft(o);

    // A source that fails while it streams (as a tampered snapshot file does when decoded).
    const failing = async () => Readable.from((async function* () {
      yield sources[1]!.subarray(0, 1000);
      throw new CorruptSnapshotError('authentication tag mismatch');
    })());
    await assert.rejects(restoreInto([sourceOf(sources[0]!), failing], [{ primary: target(one) }], o), /authentication tag mismatch/);
    await assertNoLoaderLeft(o);
    assert.equal(await (await admin(one)).dbsize(), 0);

    const withDb = await start();
    const w = await admin(withDb);
    await w.select(2);
    await w.set('elsewhere', '1');
    const rdb = await captureToBuffer(target(withDb));
    const { primaries } = await cluster(3);
    await assert.rejects(restoreInto([sourceOf(rdb)], primaries.map((p) => ({ primary: target(p.node), slots: p.slots })), o),
      /holds keys in database 2: a cluster-mode-enabled group has database 0 only/);
    for (const p of primaries) assert.equal(await p.node.client.dbsize(), 0);
    await assertNoLoaderLeft(o);
  });

  it('into targets serving TLS only: the primary loading itself over TLS replication, the pipelined mover and MIGRATE over TLS', async () => {
    const dir = await cleanup.tmpDir('cachefleet-restore-tls-');
    const bases = await Promise.all([testNodeSpec(), testNodeSpec(), testNodeSpec()]);
    const certs = await makeCertificates(dir, bases.map((b) => b.address));
    const tls = { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile };
    const nodes = await Promise.all(bases.map(async (b) => {
      const spec: NodeSpec = { ...b, tls };
      const st = await provider.ensureRunning(spec);
      cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
      return spec;
    }));
    const pair = { cert: await readFile(certs.certFile), key: await readFile(certs.keyFile) };
    const tlsTarget = (n: NodeSpec): TargetShard => ({ primary: { ...target(n), tls: { ca: certs.caPem } } });
    for (const [i, method] of (['auto', 'migrate', 'pipe'] as const).entries()) {
      // 'auto' with a trusted source: the primary loads it itself, over TLS replication.
      const o = await options({ method, tls: pair, ...(method === 'auto' ? { trustedSources: true } : {}) });
      const r = await restoreInto([sourceOf(sources[0]!)], [tlsTarget(nodes[i]!)], o);
      assert.ok(r.keys > 1000);
      const c = new Redis({ host: nodes[i]!.address, port: nodes[i]!.port, tls: { ca: certs.caPem }, lazyConnect: true });
      cleanup.defer(() => c.disconnect());
      await c.connect();
      assert.equal(await c.dbsize(), r.keys, method);
      await assertNoLoaderLeft(o);
    }
    // Without a certificate for the service's side, the restore says what is missing.
    await assert.rejects(restoreInto([sourceOf(sources[0]!)], [tlsTarget(nodes[0]!)], await options()), /needs a certificate/);
  });
});
