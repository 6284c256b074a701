/**
 * The desired state of an online resharding of a cluster-mode group, as one commit's writes: the
 * new shards' member clusters (addresses reserved, capacity checked), every shard's slots after
 * an even rebalance, and the group's `resharding` progress. The group reconciler then moves the
 * slots with Redis's own migration while clients keep working. Shared by
 * ModifyReplicationGroupShardConfiguration and the serverless autoscaler, so a serverless cache
 * scales through exactly the machinery a customer's reshard uses.
 */
import { arn, type Services } from '../core/index.js';
import { formatSlots, parseSlots } from '../engine/cluster-nodes.js';
import { planRebalance, slotMoves } from '../engine/slot-plan.js';
import { bumped, clusterCreate, groupSpecWrite, type CacheClusterRecord, type GroupView, type NodeGroupRecord, type ReplicationGroupRecord, type WriteOp } from '../store/index.js';
import { reserveAddresses } from './addresses.js';
import { checkCapacity } from './capacity.js';
import { newCacheCluster, settingsOf } from './cluster-factory.js';
import { memberClusters, requireSubnetGroup } from './lookups.js';
import { availabilityZones } from './placement.js';
import { shardId, shardMemberId } from './shard-layout.js';

export interface ReshardPlan {
  ops: WriteOp[];
  /** The group's spec as written. */
  next: ReplicationGroupRecord;
  /** Existing member clusters, and those created. */
  members: CacheClusterRecord[];
  created: CacheClusterRecord[];
  slotsToMove: number;
}

/**
 * Reshards `view` (cluster mode, available, not resharding: the caller checks) to `count` node
 * groups; `removing` names the node groups a decrease removes; `azPrefs[i]` the preferred AZs of
 * the i-th node group (as ReshardingConfiguration gives them).
 */
export async function planReshard(svc: Services, view: GroupView, count: number, removing: string[], azPrefs: (string[] | undefined)[] = []): Promise<ReshardPlan> {
  const g = view.doc;
  const shardsNow = g.nodeGroups ?? [];
  const current = shardsNow.length;
  const members = await memberClusters(svc, g);
  const replicas = (shardsNow[0]?.memberClusters.length ?? 1) - 1;
  const newCount = Math.max(0, count - current);
  if (newCount) {
    await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit, [{ nodeType: g.cacheNodeType, count: newCount * (replicas + 1) }]);
  }
  const zones = availabilityZones((await requireSubnetGroup(svc, g.cacheSubnetGroupName)).doc);
  const used = new Set(shardsNow.map((ng) => Number(ng.id)));
  const newIds: string[] = [];
  for (let n = 1; newIds.length < newCount; n++) if (!used.has(n)) newIds.push(shardId(n - 1));
  const now = svc.now();

  const layout = newIds.map((sid, i) => ({
    sid,
    members: Array.from({ length: replicas + 1 }, (_, k) => ({
      id: shardMemberId(g.id, sid, k),
      az: azPrefs[current + i]?.[k] ?? zones[(current + i + k) % zones.length]!,
    })),
  }));
  const ids = layout.flatMap((l) => l.members.map((m) => m.id));
  const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr, ids.map((m) => `replicationGroup:${g.id}:${m}`));
  const primary = members.find((c) => c.id === g.primaryClusterId)!;
  const created: CacheClusterRecord[] = [];
  const added: NodeGroupRecord[] = layout.map((l) => {
    for (const m of l.members) {
      created.push({
        ...newCacheCluster({
          id: m.id, arn: arn(svc.installation, 'cluster', m.id), settings: settingsOf(primary), engineVersionInstalled: primary.engineVersionInstalled,
          availabilityZone: m.az, nodeAddress: addresses[created.length]!, replicationGroupId: g.id, now,
        }),
        nodeGroupId: l.sid,
      });
    }
    return { id: l.sid, slots: '', primaryClusterId: l.members[0]!.id, memberClusters: l.members.map((m) => m.id) };
  });
  const shards = [...shardsNow, ...added];
  const currentSlots = new Map(shards.map((ng) => [ng.id, ng.slots ? parseSlots(ng.slots) : []]));
  const desired = planRebalance(currentSlots, shards.map((ng) => ng.id).filter((id) => !removing.includes(id)));
  const moves = slotMoves(currentSlots, desired);
  const next: ReplicationGroupRecord = bumped({
    ...g,
    nodeGroups: shards.map((ng) => ({ ...ng, slots: formatSlots(desired.get(ng.id) ?? []) })),
    memberClusters: [...g.memberClusters, ...ids],
    resharding: { startedAt: now.toISOString(), totalSlots: moves.length, movedSlots: 0, keysMoved: 0, removing },
  });
  return {
    ops: [...groupSpecWrite(view, next), ...created.map(clusterCreate), ...addressOps],
    next, members, created, slotsToMove: moves.length,
  };
}
