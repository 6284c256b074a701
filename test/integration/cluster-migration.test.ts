/**
 * Slot migration on a real 3-shard cluster (+ one replica, + one empty primary as a scale-out
 * target): a live reshard under client traffic, resumption after a crash at each step, and what
 * happens to a primary that gives away its last slot.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Cluster } from 'ioredis';
import { clusterInfo, clusterMyself, clusterNodes, countKeysInSlot, getKeysInSlot, setSlotImporting, setSlotMigrating, setSlotNode, setSlotStable } from '../../src/engine/cluster-admin.js';
import { slotOwner } from '../../src/engine/cluster-nodes.js';
import { SlotMigrationError, migrateSlot, migrateSlots, type MigrateSlotOptions } from '../../src/engine/slot-migration.js';
import { evenSlotRanges } from '../../src/engine/slot-plan.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster, redisCliCheck, type TestNode } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();
let tc: TestCluster;
let all: TestNode[];
let p1: TestNode, p2: TestNode, p3: TestNode, p4: TestNode, r1: TestNode;
let cc: Cluster;
const KEYS = 20_000;

const ep = (n: TestNode) => ({ client: n.client, address: n.address, port: n.port, id: n.id });
const primaries = () => [p1, p2, p3, p4];
function moveOpts(from: TestNode, to: TestNode): Omit<MigrateSlotOptions, 'slot'> {
  return { source: ep(from), target: ep(to), others: primaries().filter((n) => n !== from && n !== to).map((n) => n.client) };
}

async function keySlots(keys: string[]): Promise<number[]> {
  const pl = p1.client.pipeline();
  for (const k of keys) pl.call('CLUSTER', 'KEYSLOT', k);
  return (await pl.exec())!.map(([err, v]) => {
    if (err) throw err;
    return Number(v);
  });
}

async function sumCounts(node: TestNode, slots: number[]): Promise<number> {
  const pl = node.client.pipeline();
  for (const s of slots) pl.call('CLUSTER', 'COUNTKEYSINSLOT', String(s));
  return (await pl.exec())!.reduce((sum, [err, v]) => (err ? Number.NaN : sum + Number(v)), 0);
}

async function getAll(keys: string[]): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (let i = 0; i < keys.length; i += 2000) out.push(...(await Promise.all(keys.slice(i, i + 2000).map((k) => cc.get(k)))));
  return out;
}

/** Hash tags whose slot `owner` holds: `{tag}:n` keys all land in that one slot. */
async function tagsOwnedBy(owner: TestNode, count: number): Promise<Array<{ tag: string; slot: number }>> {
  const view = await clusterNodes(p1.client);
  const out: Array<{ tag: string; slot: number }> = [];
  for (let i = 0; out.length < count; i++) {
    const tag = `t${i}`;
    const [slot] = await keySlots([`{${tag}}`]);
    if (slotOwner(view, slot)?.id === owner.id && !out.some((o) => o.slot === slot)) out.push({ tag, slot });
  }
  return out;
}

/** The slot is on `target` with exactly `expected`, nothing left or open anywhere, and all agree. */
async function assertMoved(slot: number, target: TestNode, source: TestNode, expected: Map<string, string>) {
  assert.equal(await countKeysInSlot(source.client, slot), 0);
  assert.equal(await countKeysInSlot(target.client, slot), expected.size);
  assert.deepEqual(await getAll([...expected.keys()]), [...expected.values()]);
  for (const n of primaries()) {
    const me = await clusterMyself(n.client);
    assert.ok(![...me.migrating, ...me.importing].some((m) => m.slot === slot), `slot ${slot} still open on ${n.address}`);
  }
  await waitFor(async () => (await Promise.all(all.map((n) => clusterNodes(n.client)))).every((v) => slotOwner(v, slot)?.id === target.id), {
    timeoutMs: 5000,
    what: `every node to see slot ${slot} on the target`,
  });
}

before(async () => {
  tc = await TestCluster.create(cleanup, 'cachefleet-migr-');
  all = await tc.startNodes(5);
  [p1, p2, p3, r1, p4] = all;
  await tc.meetAll(all, 'mesh');
  await tc.formShards([[p1, r1], [p2], [p3]], evenSlotRanges(3));
  cc = tc.clusterClient(p1);
  for (let i = 0; i < KEYS; i += 2000) {
    await Promise.all(Array.from({ length: 2000 }, (_, j) => cc.set(`key:${i + j}`, 'v0')));
  }
});

describe('slot migration on real nodes', () => {
  it('moves a third of shard 1 to shard 2 under live reads and writes: no client error, no lost write', async () => {
    const slots = Array.from({ length: 5462 - 3641 }, (_, i) => 3641 + i); // the last third of 0-5461
    const expected = new Map(Array.from({ length: KEYS }, (_, i) => [`key:${i}`, 'v0']));
    const errors: string[] = [];
    let ops = 0;
    let stop = false;
    const W = 8;
    const worker = async (w: number) => {
      // Each worker owns the keys i ≡ w (mod W), so `expected` is exact without locking.
      for (let seq = 0; !stop; seq++) {
        const key = seq % 20 === 0 ? `new:${w}:${seq}` : `key:${w + W * Math.floor((Math.random() * KEYS) / W)}`;
        try {
          if (Math.random() < 0.5 || !expected.has(key)) {
            const value = `w${w}-${seq}`;
            await cc.set(key, value);
            expected.set(key, value);
          } else {
            const got = await cc.get(key);
            if (got !== expected.get(key)) errors.push(`${key}: read ${got}, expected ${expected.get(key)}`);
          }
          ops++;
        } catch (e) {
          errors.push(`${key}: ${(e as Error).message}`);
        }
      }
    };
    const traffic = Array.from({ length: W }, (_, w) => worker(w));

    // The first 200 slots one at a time (what migrateSlots does by default), the rest 8 at a time.
    let reports = 0;
    let keysMoved = 0;
    const t0 = performance.now();
    for (const [part, concurrency] of [[slots.slice(0, 200), 1], [slots.slice(200), 8]] as const) {
      const t = performance.now();
      const r = await migrateSlots({ ...moveOpts(p1, p2), concurrency }, part, () => reports++);
      const secs = (performance.now() - t) / 1000;
      keysMoved += r.keysMoved;
      console.log(
        `migration: ${part.length} slots (concurrency ${concurrency}), ${r.keysMoved} keys in ${secs.toFixed(2)} s under traffic = ` +
          `${(r.keysMoved / secs).toFixed(0)} keys/s, ${(part.length / secs).toFixed(0)} slots/s`,
      );
    }
    const secs = (performance.now() - t0) / 1000;
    stop = true;
    await Promise.all(traffic);
    console.log(`migration: total ${slots.length} slots in ${secs.toFixed(2)} s; the client did ${ops} ops meanwhile, ${errors.length} errors`);
    assert.deepEqual(errors.slice(0, 5), []);
    assert.equal(reports, slots.length);
    assert.ok(ops > 100, `only ${ops} client ops during the migration`);

    const keys = [...expected.keys()];
    assert.deepEqual(await getAll(keys), [...expected.values()], 'every key has its last written value');
    const slotOf = await keySlots(keys);
    const inMoved = slotOf.filter((s) => s >= 3641 && s <= 5461).length;
    assert.ok(keysMoved >= inMoved - 600 && keysMoved <= inMoved, `moved ${keysMoved}, ${inMoved} keys live in those slots`);
    assert.equal(await sumCounts(p1, slots), 0);
    assert.equal(await sumCounts(p2, slots), inMoved);
    const sizes = await Promise.all(primaries().map((n) => n.client.dbsize()));
    assert.equal(sizes.reduce((a, b) => a + b, 0), keys.length, 'no key duplicated or lost');
    await waitFor(async () => (await r1.client.dbsize()) === sizes[0], { timeoutMs: 5000, what: 'replica of shard 1 to drop moved keys' });

    await tc.waitHealthy(all);
    const check = await redisCliCheck(p1);
    assert.equal(check.code, 0, check.output);

    // Already done: a repeat sends no writes (no epoch bump anywhere).
    const epochBefore = (await clusterInfo(p2.client)).cluster_current_epoch;
    assert.deepEqual(await migrateSlot({ ...moveOpts(p1, p2), slot: 5000 }), { keysMoved: 0, alreadyDone: true });
    assert.equal((await clusterInfo(p2.client)).cluster_current_epoch, epochBefore);
  });

  it('resumes after a crash at every step, losing and duplicating nothing', async () => {
    const N = 2000;
    const [a, b, c, d] = await tagsOwnedBy(p2, 4);
    // Everything the slot holds afterwards: N tagged keys plus the few key:n that hash there.
    const load = async ({ tag, slot }: { tag: string; slot: number }) => {
      const m = new Map(Array.from({ length: N }, (_, i) => [`{${tag}}:${i}`, `${tag}-${i}`]));
      await Promise.all([...m].map(([k, v]) => cc.set(k, v)));
      for (const k of await getKeysInSlot(p2.client, slot, 10 * N)) if (!m.has(k)) m.set(k, (await cc.get(k))!);
      return m;
    };
    const migrateRaw = (keys: string[], ...flags: string[]) =>
      p2.client.call('MIGRATE', [p3.address, String(p3.port), '', '0', '5000', ...flags, 'KEYS', ...keys]);
    const opts = moveOpts(p2, p3);

    // (a) crashed right after IMPORTING on the target.
    const ea = await load(a);
    await setSlotImporting(p3.client, a.slot, p2.id);
    assert.deepEqual(await migrateSlot({ ...opts, slot: a.slot }), { keysMoved: ea.size });
    await assertMoved(a.slot, p3, p2, ea);

    // (b) crashed half-way through the keys; clients keep working meanwhile (ASK).
    const eb = await load(b);
    await setSlotImporting(p3.client, b.slot, p2.id);
    await setSlotMigrating(p2.client, b.slot, p3.id);
    const half = await getKeysInSlot(p2.client, b.slot, N / 2);
    await migrateRaw(half);
    assert.equal(await countKeysInSlot(p3.client, b.slot), N / 2);
    const left = await countKeysInSlot(p2.client, b.slot);
    assert.deepEqual((await clusterMyself(p2.client)).migrating, [{ slot: b.slot, to: p3.id }]);
    assert.deepEqual((await clusterMyself(p3.client)).importing, [{ slot: b.slot, from: p2.id }]);
    assert.deepEqual(await getAll([...eb.keys()]), [...eb.values()]);
    for (const k of [half[0], [...eb.keys()].find((k) => !half.includes(k))!, `{${b.tag}}:new`]) {
      await cc.set(k, 'written-while-open');
      eb.set(k, 'written-while-open');
    }
    assert.deepEqual(await migrateSlot({ ...opts, slot: b.slot }), { keysMoved: left });
    await assertMoved(b.slot, p3, p2, eb);

    // (c) crashed after the target took the slot; the source is still MIGRATING.
    const ec = await load(c);
    await setSlotImporting(p3.client, c.slot, p2.id);
    await setSlotMigrating(p2.client, c.slot, p3.id);
    await migrateRaw(await getKeysInSlot(p2.client, c.slot, 2 * N));
    await setSlotNode(p3.client, c.slot, p3.id);
    assert.deepEqual(await migrateSlot({ ...opts, slot: c.slot }), { keysMoved: 0 });
    await assertMoved(c.slot, p3, p2, ec);

    // (d) keys on both sides (a MIGRATE that restored, then failed before deleting), then
    //     updated on the source, which still serves them: the source's newer values must win.
    const ed = await load(d);
    await setSlotImporting(p3.client, d.slot, p2.id);
    await setSlotMigrating(p2.client, d.slot, p3.id);
    const dup = await getKeysInSlot(p2.client, d.slot, 100);
    await migrateRaw(dup, 'COPY');
    for (const k of dup) {
      await cc.set(k, 'newer');
      ed.set(k, 'newer');
    }
    assert.equal(await p2.client.get(dup[0]), 'newer');
    assert.deepEqual(await migrateSlot({ ...opts, slot: d.slot }), { keysMoved: ed.size });
    await assertMoved(d.slot, p3, p2, ed);

    // States it will not guess about: wrong node id, a slot the source does not own, a slot the
    // source is migrating elsewhere. None is retried, and none changes anything.
    await assert.rejects(migrateSlot({ ...opts, target: { ...ep(p3), id: p1.id }, slot: d.slot }), SlotMigrationError);
    await assert.rejects(migrateSlot({ ...opts, slot: 0 }), /slot 0 is owned by .*not by the source or the target/);
    const [e] = await tagsOwnedBy(p2, 1);
    await setSlotMigrating(p2.client, e.slot, p1.id);
    await assert.rejects(migrateSlot({ ...opts, slot: e.slot }), /source .* is migrating it to .*, not to the target/);
    await setSlotStable(p2.client, e.slot);

    await tc.waitHealthy(all);
    const check = await redisCliCheck(p1);
    assert.equal(check.code, 0, check.output);
  });

  it('resumes after the source shard failed over mid-migration (the new primary has no MIGRATING state)', async () => {
    const N = 1000;
    const [{ tag, slot }] = await tagsOwnedBy(p1, 1);
    const expected = new Map(Array.from({ length: N }, (_, i) => [`{${tag}}:${i}`, `${tag}-${i}`]));
    await Promise.all([...expected].map(([k, v]) => cc.set(k, v)));
    for (const k of await getKeysInSlot(p1.client, slot, 10 * N)) if (!expected.has(k)) expected.set(k, (await cc.get(k))!);
    await setSlotImporting(p2.client, slot, p1.id);
    await setSlotMigrating(p1.client, slot, p2.id);
    const half = await getKeysInSlot(p1.client, slot, N / 2);
    await p1.client.call('MIGRATE', [p2.address, String(p2.port), '', '0', '5000', 'KEYS', ...half]);
    await waitFor(async () => (await r1.client.dbsize()) === (await p1.client.dbsize()), { what: 'r1 in sync' });

    await tc.gracefulFailover(r1);
    await waitFor(async () => (await clusterMyself(p1.client)).primaryId === r1.id, { timeoutMs: 10_000, what: 'p1 demoted' });
    assert.deepEqual((await clusterMyself(r1.client)).migrating, [], 'SETSLOT state is not replicated');
    // The promoted primary serves the whole slot itself now: a moved key written again lands on
    // it, so it exists on both sides and the newer copy is the source's.
    await cc.set(half[0], 'after-failover');
    expected.set(half[0], 'after-failover');
    // Once the target hears the old primary is a replica, it drops that node's slots; being
    // IMPORTING, it ignored the new primary's claim: the slot is unbound there (CLUSTERDOWN).
    await waitFor(async () => (await clusterNodes(p2.client)).find((n) => n.id === p1.id)?.role === 'replica', {
      timeoutMs: 10_000,
      what: 'the target to see the old primary as a replica',
    });
    assert.equal(slotOwner(await clusterNodes(p2.client), slot), undefined);

    const r = await migrateSlot({ ...moveOpts(r1, p2), slot });
    assert.ok(r.keysMoved >= N / 2, `moved ${r.keysMoved}`);
    const restore = [p1, r1];
    [p1, r1] = [r1, p1]; // for assertMoved's primaries(), and the tests below
    await assertMoved(slot, p2, p1, expected);
    await tc.waitHealthy(all);

    // Fail back so the remaining tests find the shard as before.
    await tc.gracefulFailover(restore[0]);
    await waitFor(async () => (await clusterMyself(restore[1].client)).primaryId === restore[0].id, { timeoutMs: 10_000, what: 'fail back' });
    [p1, r1] = restore;
    await tc.waitHealthy(all);
    const check = await redisCliCheck(p1);
    assert.equal(check.code, 0, check.output);
  });

  it('throughput of one dense slot (20,000 keys)', async () => {
    const [{ tag, slot }] = await tagsOwnedBy(p3, 1);
    const keys = Array.from({ length: 20_000 }, (_, i) => `{${tag}}:${i}`);
    for (let i = 0; i < keys.length; i += 2000) await Promise.all(keys.slice(i, i + 2000).map((k) => cc.set(k, 'x'.repeat(100))));
    const expected = new Map(keys.map((k) => [k, 'x'.repeat(100)]));
    for (const k of await getKeysInSlot(p3.client, slot, 30_000)) if (!expected.has(k)) expected.set(k, (await cc.get(k))!);
    const t0 = performance.now();
    const { keysMoved } = await migrateSlot({ ...moveOpts(p3, p1), slot });
    const secs = (performance.now() - t0) / 1000;
    console.log(`migration: one slot with ${keysMoved} keys (100-byte values, batch 100) in ${secs.toFixed(2)} s = ${(keysMoved / secs).toFixed(0)} keys/s`);
    assert.equal(keysMoved, expected.size);
    await assertMoved(slot, p1, p3, expected);
  });

  it('scale-out to an empty primary and back: the primary left without slots turns into a replica', async () => {
    const moved = (await tagsOwnedBy(p3, 2)).map((t) => t.slot);
    await migrateSlots(moveOpts(p3, p4), moved);
    await waitFor(async () => (await clusterNodes(p1.client)).find((n) => n.id === p4.id)?.slots.length === 2, { what: 'p4 to own 2 slots' });
    await tc.waitHealthy(all);
    assert.equal((await clusterInfo(p1.client)).cluster_size, '4');

    await migrateSlots(moveOpts(p4, p3), moved);
    const me = await waitFor(async () => {
      const m = await clusterMyself(p4.client);
      return m.role === 'replica' ? m : undefined;
    }, { timeoutMs: 5000, what: 'p4 to become a replica' });
    console.log(`migration: after giving away its last slot, the empty primary is now a replica of ${me.primaryId === p3.id ? 'the receiving primary' : me.primaryId}`);
    assert.equal(me.primaryId, p3.id);
    // Re-running the finished moves is a no-op, although the replica now holds those slots' keys.
    assert.deepEqual(await migrateSlots(moveOpts(p4, p3), moved), { keysMoved: 0 });
    await tc.waitHealthy(all);
    const check = await redisCliCheck(p1);
    assert.equal(check.code, 0, check.output);
  });
});
