import { CommonErrors } from '../errors/index.js';
import type { NodeGroupConfiguration } from '../api/model/shapes.js';
import { formatSlots, parseSlots } from '../engine/cluster-nodes.js';
import { evenSlotRanges } from '../engine/slot-plan.js';

/** One shard to create: its id, hash slots, replica count and AZ preferences. */
export interface ShardPlan {
  id: string;
  slots: string;
  replicaCount: number;
  primaryAZ?: string;
  replicaAZs?: string[];
}

export const MAX_SHARDS = 500;
export const shardId = (i: number): string => String(i + 1).padStart(4, '0');
/** ElastiCache's member naming in cluster mode: <group>-<shard>-<node>, e.g. my-cluster-0002-001. */
export const shardMemberId = (groupId: string, shard: string, i: number): string => `${groupId}-${shard}-${String(i + 1).padStart(3, '0')}`;

/**
 * The shards a cluster-mode create asks for: NodeGroupConfiguration when given (slots, replica
 * count and AZs per shard), else NumNodeGroups × ReplicasPerNodeGroup with ElastiCache's default
 * even split of the 16384 slots. Slots must cover 0–16383 exactly once.
 */
export function planShards(input: { NumNodeGroups?: number; ReplicasPerNodeGroup?: number; NodeGroupConfiguration?: NodeGroupConfiguration[] }): ShardPlan[] {
  const configs = input.NodeGroupConfiguration ?? [];
  const n = input.NumNodeGroups ?? (configs.length || 1);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw CommonErrors.invalidParameterValue(`NumNodeGroups must be between 1 and ${MAX_SHARDS} (got ${n}).`);
  }
  if (configs.length && configs.length !== n) {
    throw CommonErrors.invalidParameterCombination(`NodeGroupConfiguration describes ${configs.length} node groups but NumNodeGroups is ${n}.`);
  }
  const replicas = input.ReplicasPerNodeGroup ?? 1;
  const even = evenSlotRanges(n);
  const plans = Array.from({ length: n }, (_, i): ShardPlan => {
    const c = configs[i];
    const replicaCount = c?.ReplicaCount ?? replicas;
    if (!Number.isInteger(replicaCount) || replicaCount < 0 || replicaCount > 5) {
      throw CommonErrors.invalidParameterValue(`The replica count of a node group must be between 0 and 5 (got ${replicaCount}).`);
    }
    if (c?.ReplicaAvailabilityZones?.length && c.ReplicaAvailabilityZones.length !== replicaCount) {
      throw CommonErrors.invalidParameterValue(`ReplicaAvailabilityZones names ${c.ReplicaAvailabilityZones.length} zones for ${replicaCount} replicas.`);
    }
    return {
      id: c?.NodeGroupId ?? shardId(i),
      slots: c?.Slots ?? formatSlots(even[i]!),
      replicaCount,
      ...(c?.PrimaryAvailabilityZone ? { primaryAZ: c.PrimaryAvailabilityZone } : {}),
      ...(c?.ReplicaAvailabilityZones?.length ? { replicaAZs: c.ReplicaAvailabilityZones } : {}),
    };
  });
  checkSlotCoverage(plans);
  if (new Set(plans.map((p) => p.id)).size !== plans.length) {
    throw CommonErrors.invalidParameterValue('NodeGroupId values must be unique.');
  }
  return plans;
}

/** Every slot 0–16383 owned by exactly one shard. */
export function checkSlotCoverage(plans: { id: string; slots: string }[]): void {
  const owner = new Array<string | undefined>(16384);
  for (const p of plans) {
    let ranges: Array<[number, number]>;
    try { ranges = parseSlots(p.slots); } catch (e) {
      throw CommonErrors.invalidParameterValue(`Invalid Slots '${p.slots}' for node group ${p.id}: ${(e as Error).message}`);
    }
    for (const [a, b] of ranges) for (let s = a; s <= b; s++) {
      if (owner[s]) throw CommonErrors.invalidParameterValue(`Slot ${s} is given to both node group ${owner[s]} and ${p.id}; every slot must belong to exactly one.`);
      owner[s] = p.id;
    }
  }
  const missing = owner.findIndex((o) => o === undefined);
  if (missing >= 0) throw CommonErrors.invalidParameterValue(`Slot ${missing} belongs to no node group; the slots must cover 0-16383.`);
}
