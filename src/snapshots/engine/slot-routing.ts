/**
 * Which target shard takes a key: the one owning the key's hash slot (Redis Cluster's CRC16 of
 * the key or of its `{hash tag}`, modulo 16384), or the only shard of a cluster-mode-disabled
 * target, which takes every key of every database. Pure: a restore's layout is checked here
 * before any key moves.
 */
import calculateSlot from 'cluster-key-slot';
import { SLOT_COUNT as SLOTS } from '../../engine/cluster-nodes.js';
import type { TargetShard } from '../types.js';

export interface Routing {
  /** `single`: one cluster-mode-disabled shard (databases kept); `cluster`: slots decide, database 0 only. */
  mode: 'single' | 'cluster';
  shards: number;
  /** Index in the shards given of the shard taking `key`. */
  shardOf(key: Buffer): number;
  /** The share of the key space each shard owns (slots / 16384), for size estimates. */
  share: number[];
}

/** Checks the target layout (throws a plain Error naming what is wrong) and returns its routing. */
export function planRouting(shards: readonly TargetShard[]): Routing {
  if (shards.length === 0) throw new Error('a restore needs at least one target shard');
  if (shards.length === 1 && shards[0]!.slots === undefined) {
    return { mode: 'single', shards: 1, shardOf: () => 0, share: [1] };
  }
  const owner = new Int16Array(SLOTS).fill(-1);
  const owned = shards.map(() => 0);
  shards.forEach((s, i) => {
    if (!s.slots) throw new Error(`target shard ${i + 1} of ${shards.length} has no slots: a cluster-mode target needs them all`);
    for (const [from, to] of s.slots) {
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= SLOTS || from > to) {
        throw new Error(`target shard ${i + 1} has an invalid slot range ${from}-${to}`);
      }
      for (let slot = from; slot <= to; slot++) {
        if (owner[slot] !== -1) throw new Error(`slot ${slot} is given to target shards ${owner[slot]! + 1} and ${i + 1}`);
        owner[slot] = i;
        owned[i]!++;
      }
    }
  });
  const missing = owner.indexOf(-1);
  if (missing >= 0) throw new Error(`slot ${missing} is owned by no target shard`);
  return {
    mode: 'cluster',
    shards: shards.length,
    shardOf: (key) => owner[calculateSlot(key)]!,
    share: owned.map((n) => n / SLOTS),
  };
}
