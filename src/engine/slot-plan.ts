/**
 * Where hash slots should live: the initial split of a new cluster and the rebalancing plan
 * when shards are added or removed. Pure, so plans can be checked exhaustively in unit tests;
 * the reconciler turns the moves into migrateSlot calls.
 */
import { SLOT_COUNT, countSlots, slotsToRanges, type SlotRange } from './cluster-nodes.js';

export interface SlotMove {
  slot: number;
  from: string;
  to: string;
}

/**
 * ElastiCache's default keyspace split for `n` shards: contiguous ranges of floor(16384/n)
 * slots, the remainder going one each to the first shards (3 → 0-5461, 5462-10922, 10923-16383).
 */
export function evenSlotRanges(n: number): SlotRange[][] {
  if (!Number.isInteger(n) || n < 1 || n > SLOT_COUNT) {
    throw new Error(`shard count must be an integer in 1-${SLOT_COUNT}, got ${n}`);
  }
  const base = Math.floor(SLOT_COUNT / n);
  const extra = SLOT_COUNT % n;
  const out: SlotRange[][] = [];
  let next = 0;
  for (let i = 0; i < n; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push([[next, next + size - 1]]);
    next += size;
  }
  return out;
}

/** slot → owner (undefined when unassigned). Throws on out-of-range slots and on two owners. */
function ownerArray(ownership: Map<string, SlotRange[]>): Array<string | undefined> {
  const owner = new Array<string | undefined>(SLOT_COUNT).fill(undefined);
  for (const [shard, ranges] of ownership) {
    for (const [a, b] of ranges) {
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b >= SLOT_COUNT || a > b) {
        throw new Error(`shard ${shard}: invalid slot range ${a}-${b}`);
      }
      for (let s = a; s <= b; s++) {
        const prev = owner[s];
        if (prev !== undefined && prev !== shard) throw new Error(`slot ${s} is owned by both ${prev} and ${shard}`);
        owner[s] = shard;
      }
    }
  }
  return owner;
}

/**
 * Slot quota per target shard, proportional to its weight (default 1) by largest remainder.
 * Ties in the rounding go to the shards that currently hold more slots: a slot a shard may keep
 * is a slot that does not move, which is what makes the plan minimal.
 */
function quotas(targets: string[], current: Map<string, number>, weights?: Map<string, number> | Record<string, number>): Map<string, number> {
  const weightOf = (s: string): number => {
    const w = weights instanceof Map ? weights.get(s) : weights?.[s];
    if (w === undefined) return 1;
    if (!Number.isFinite(w) || w <= 0) throw new Error(`shard ${s}: weight must be a positive number, got ${w}`);
    return w;
  };
  const ws = targets.map(weightOf);
  const total = ws.reduce((a, b) => a + b, 0);
  const exact = ws.map((w) => (SLOT_COUNT * w) / total);
  const q = exact.map(Math.floor);
  let left = SLOT_COUNT - q.reduce((a, b) => a + b, 0);
  const order = targets
    .map((s, i) => ({ i, frac: exact[i] - q[i], held: current.get(s) ?? 0 }))
    .sort((x, y) => y.frac - x.frac || y.held - x.held || x.i - y.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    q[i]++;
  }
  return new Map(targets.map((s, i) => [s, q[i]]));
}

/**
 * The desired ownership after the shard set becomes `targetShards`: every slot 0-16383 owned by
 * exactly one target (unassigned slots are placed too), counts even (within 1; or proportional
 * to `weights`), and as few slots moved as possible: a shard keeps min(held, quota) of its
 * slots (its lowest ones, so what stays is contiguous), shards being removed give all away, and
 * the given-away pool is dealt out in ascending runs so each receiver gets contiguous pieces.
 */
export function planRebalance(
  current: Map<string, SlotRange[]>,
  targetShards: string[],
  weights?: Map<string, number> | Record<string, number>,
): Map<string, SlotRange[]> {
  const targets = [...new Set(targetShards)];
  if (targets.length === 0) throw new Error('planRebalance needs at least one target shard');
  if (targets.length > SLOT_COUNT) throw new Error(`at most ${SLOT_COUNT} shards, got ${targets.length}`);
  const owner = ownerArray(current);
  const held = new Map<string, number[]>();
  owner.forEach((s, slot) => {
    if (s === undefined) return;
    let list = held.get(s);
    if (!list) held.set(s, (list = []));
    list.push(slot); // ascending, since slots are visited in order
  });
  const quota = quotas(targets, new Map([...held].map(([s, l]) => [s, l.length])), weights);

  const keep = new Map<string, number[]>();
  const pool: number[] = [];
  owner.forEach((s, slot) => {
    if (s === undefined || !quota.has(s)) pool.push(slot);
  });
  for (const s of targets) {
    const mine = held.get(s) ?? [];
    const q = quota.get(s)!;
    keep.set(s, mine.slice(0, q));
    pool.push(...mine.slice(q));
  }
  pool.sort((a, b) => a - b);

  let next = 0;
  const out = new Map<string, SlotRange[]>();
  for (const s of targets) {
    const slots = keep.get(s)!;
    const need = quota.get(s)! - slots.length;
    slots.push(...pool.slice(next, next + need));
    next += need;
    out.set(s, slotsToRanges(slots));
  }
  return out;
}

/**
 * The slot moves from `current` to `desired`, grouped: all moves between one (from, to) pair
 * together and ascending, pairs ordered by their first slot. Slots without a current owner are
 * not moves (see slotAssignments).
 */
export function slotMoves(current: Map<string, SlotRange[]>, desired: Map<string, SlotRange[]>): SlotMove[] {
  const before = ownerArray(current);
  const after = ownerArray(desired);
  const groups = new Map<string, SlotMove[]>();
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const from = before[slot];
    const to = after[slot];
    if (from === undefined || to === undefined || from === to) continue;
    const key = JSON.stringify([from, to]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ slot, from, to });
  }
  return [...groups.values()].flat();
}

/** Slots that have no owner in `current` and one in `desired` (to be added with ADDSLOTSRANGE). */
export function slotAssignments(current: Map<string, SlotRange[]>, desired: Map<string, SlotRange[]>): Map<string, SlotRange[]> {
  const before = ownerArray(current);
  const after = ownerArray(desired);
  const add = new Map<string, number[]>();
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const to = after[slot];
    if (before[slot] !== undefined || to === undefined) continue;
    let list = add.get(to);
    if (!list) add.set(to, (list = []));
    list.push(slot);
  }
  return new Map([...add].map(([s, slots]) => [s, slotsToRanges(slots)]));
}

/** Slot count per shard (for progress reports and assertions). */
export function slotCounts(ownership: Map<string, SlotRange[]>): Map<string, number> {
  return new Map([...ownership].map(([s, r]) => [s, countSlots(r)]));
}
