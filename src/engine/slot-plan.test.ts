import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countSlots, formatSlots, type SlotRange } from './cluster-nodes.js';
import { evenSlotRanges, planRebalance, slotAssignments, slotCounts, slotMoves } from './slot-plan.js';

const shards = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const even = (ids: string[]) => new Map(evenSlotRanges(ids.length).map((r, i) => [ids[i], r]));

/** Every slot 0-16383 exactly once across all shards. */
function assertCover(plan: Map<string, SlotRange[]> | SlotRange[][]) {
  const seen = new Uint8Array(16384);
  for (const ranges of plan.values()) for (const [a, b] of ranges) for (let s = a; s <= b; s++) seen[s]++;
  const bad = seen.findIndex((c) => c !== 1);
  assert.equal(bad, -1, `slot ${bad} covered ${seen[bad]} times`);
}

function assertEven(plan: Map<string, SlotRange[]>) {
  const counts = [...slotCounts(plan).values()];
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `uneven counts ${counts}`);
}

describe('evenSlotRanges', () => {
  it('splits 3 shards exactly as ElastiCache does', () => {
    assert.deepEqual(evenSlotRanges(3).map(formatSlots), ['0-5461', '5462-10922', '10923-16383']);
    assert.deepEqual(evenSlotRanges(1).map(formatSlots), ['0-16383']);
    assert.deepEqual(evenSlotRanges(2).map(formatSlots), ['0-8191', '8192-16383']);
  });

  it('covers 0-16383 exactly once, contiguously and evenly, for 1..500 shards', () => {
    for (let n = 1; n <= 500; n++) {
      const plan = evenSlotRanges(n);
      assert.equal(plan.length, n);
      assertCover(plan);
      let next = 0;
      for (const [[a, b]] of plan) {
        assert.equal(a, next);
        next = b + 1;
      }
      const counts = plan.map(countSlots);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
      assert.ok(counts.every((c, i) => i === 0 || c <= counts[i - 1]), 'remainder goes to the first shards');
    }
  });

  it('rejects impossible shard counts', () => {
    assert.throws(() => evenSlotRanges(0), /1-16384/);
    assert.throws(() => evenSlotRanges(16385), /1-16384/);
    assert.throws(() => evenSlotRanges(2.5), /1-16384/);
  });
});

describe('planRebalance / slotMoves', () => {
  it('3 → 3 moves nothing', () => {
    const current = even(shards(3));
    const desired = planRebalance(current, shards(3));
    assert.deepEqual(desired, current);
    assert.deepEqual(slotMoves(current, desired), []);
  });

  it('3 → 4 moves exactly the 4096 slots the new shard needs, all to it', () => {
    const current = even(shards(3));
    const desired = planRebalance(current, shards(4));
    assertCover(desired);
    assertEven(desired);
    const moves = slotMoves(current, desired);
    assert.equal(moves.length, 4096);
    assert.ok(moves.every((m) => m.to === 's4'));
    // Each old shard gives up its excess over 4096 (5462 → 1366, 5461 → 1365) from its end.
    assert.deepEqual(desired.get('s1'), [[0, 4095]]);
    assert.deepEqual(
      [...new Set(moves.map((m) => m.from))].map((f) => moves.filter((m) => m.from === f).length),
      [1366, 1365, 1365],
    );
  });

  it('3 → 5 is even and minimal, and moves are grouped by (from, to)', () => {
    const current = even(shards(3));
    const desired = planRebalance(current, shards(5));
    assertCover(desired);
    assertEven(desired);
    const moves = slotMoves(current, desired);
    // 16384 / 5 = 3276.8: four shards of 3277, one of 3276; the old ones keep as much as they may.
    const excess = [...slotCounts(current).entries()].reduce((sum, [s, c]) => sum + Math.max(0, c - slotCounts(desired).get(s)!), 0);
    assert.equal(moves.length, excess);
    assert.equal(moves.length, 16384 - 3 * 3277);
    assert.ok(moves.every((m) => m.to === 's4' || m.to === 's5'));
    // Grouping: once a (from, to) pair ends, it never comes back, and slots within it ascend.
    const seen = new Set<string>();
    let prev = '';
    for (const [i, m] of moves.entries()) {
      const pair = `${m.from}>${m.to}`;
      if (pair !== prev) {
        assert.ok(!seen.has(pair), `pair ${pair} appears twice`);
        seen.add(pair);
      } else assert.ok(m.slot > moves[i - 1].slot);
      prev = pair;
    }
  });

  it('5 → 2 drains the removed shards only', () => {
    const current = even(shards(5));
    const desired = planRebalance(current, ['s1', 's2']);
    assertCover(desired);
    assertEven(desired);
    assert.deepEqual([...desired.keys()], ['s1', 's2']);
    const moves = slotMoves(current, desired);
    assert.ok(moves.every((m) => ['s3', 's4', 's5'].includes(m.from) && ['s1', 's2'].includes(m.to)));
    assert.equal(moves.length, 16384 - countSlots(current.get('s1')!) - countSlots(current.get('s2')!));
  });

  it('replacing shards and unassigned slots', () => {
    const current = new Map<string, SlotRange[]>([['a', [[0, 9999]]]]);
    const desired = planRebalance(current, ['a', 'b']);
    assertCover(desired);
    assertEven(desired);
    assert.deepEqual(desired.get('a'), [[0, 8191]]);
    assert.equal(slotMoves(current, desired).length, 10000 - 8192);
    // Slots 10000-16383 had no owner: assignments, not moves.
    assert.deepEqual(slotAssignments(current, desired), new Map([['b', [[10000, 16383]]]]));
    const fresh = planRebalance(new Map(), ['x', 'y', 'z']);
    assert.deepEqual([...fresh.values()].map(formatSlots), ['0-5461', '5462-10922', '10923-16383']);
  });

  it('weights split proportionally', () => {
    const current = even(shards(2));
    const desired = planRebalance(current, ['s1', 's2'], { s1: 3, s2: 1 });
    assert.deepEqual([...slotCounts(desired).values()], [12288, 4096]);
    assert.equal(slotMoves(current, desired).length, 12288 - 8192);
    assert.throws(() => planRebalance(current, ['s1'], { s1: 0 }), /positive/);
  });

  it('rejects overlapping ownership and empty targets', () => {
    const bad = new Map<string, SlotRange[]>([['a', [[0, 10]]], ['b', [[10, 20]]]]);
    assert.throws(() => planRebalance(bad, ['a']), /slot 10 is owned by both a and b/);
    assert.throws(() => planRebalance(new Map(), []), /at least one/);
  });

  it('any n → m over a range of sizes: cover, even, minimal', () => {
    for (const [n, m] of [[1, 2], [2, 7], [7, 3], [10, 11], [11, 10], [4, 90], [90, 1]]) {
      const current = even(shards(n));
      const targets = shards(m);
      const desired = planRebalance(current, targets);
      assertCover(desired);
      assertEven(desired);
      const base = Math.floor(16384 / m);
      // Lower bound: every slot of a removed shard moves; a kept shard must shed what it holds over base+1.
      const kept = [...slotCounts(current)].filter(([s]) => targets.includes(s)).map(([, c]) => c);
      const lower = 16384 - kept.reduce((sum, c) => sum + Math.min(c, base + 1), 0);
      const moves = slotMoves(current, desired).length;
      assert.ok(moves <= lower + targets.length, `${n}→${m}: ${moves} moves, lower bound ${lower}`);
      // Given its quota, every kept shard keeps as many of its own slots as it may.
      const after = slotCounts(desired);
      const keptActual = [...slotCounts(current)].filter(([s]) => targets.includes(s)).reduce((sum, [s, c]) => sum + Math.min(c, after.get(s)!), 0);
      assert.equal(moves, 16384 - keptActual);
    }
  });
});
