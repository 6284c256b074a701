import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyReplicationGroupShardConfigurationMessage, ModifyReplicationGroupShardConfigurationResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { formatSlots, parseSlots } from '../../engine/cluster-nodes.js';
import { planRebalance, slotMoves } from '../../engine/slot-plan.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { checkCapacity } from '../../resources/capacity.js';
import { newCacheCluster, settingsOf } from '../../resources/cluster-factory.js';
import { memberClusters, requireReplicationGroup, requireSubnetGroup } from '../../resources/lookups.js';
import { availabilityZones } from '../../resources/placement.js';
import { MAX_SHARDS, shardId, shardMemberId } from '../../resources/shard-layout.js';
import { arn } from '../../core/index.js';
import { bumped, clusterCreate, groupSpecWrite, presentedGroup, type CacheClusterRecord, type NodeGroupRecord, type ReplicationGroupRecord, type WriteOp } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

/**
 * Online resharding of a cluster-mode group: more node groups (new shards are created, then slots
 * migrate to them), fewer (the removed shards' slots migrate away, then they are deleted), or the
 * same number (rebalancing). Slots move with Redis's own migration while clients keep working;
 * the group is `modifying` with its progress in PendingModifiedValues.Resharding.
 */
export default defineAction<ModifyReplicationGroupShardConfigurationMessage, ModifyReplicationGroupShardConfigurationResult>(
  'ModifyReplicationGroupShardConfiguration', async (input, svc) => retryOnConflict(async () => {
    const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
    const g = view.doc;
    if (!g.clusterEnabled || !g.nodeGroups) {
      throw CommonErrors.invalidParameterValue(`Replication group ${g.id} has cluster mode disabled; it has no shards to reconfigure.`);
    }
    if (g.status !== 'available' || g.resharding || g.nodeGroups.some((ng) => ng.failover || (ng.failoverRequest && ng.failoverRequest.id !== ng.handledFailoverRequest))) {
      throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${g.resharding ? 'resharding' : g.status}; it must be available.`);
    }
    if (!input.ApplyImmediately) throw CommonErrors.invalidParameterValue('ApplyImmediately must be true: resharding is applied immediately.');
    const count = input.NodeGroupCount;
    if (count < 1 || count > MAX_SHARDS) throw CommonErrors.invalidParameterValue(`NodeGroupCount must be between 1 and ${MAX_SHARDS} (got ${count}).`);
    const current = g.nodeGroups.length;
    const removing = shardsToRemove(g, count, input);
    const members = await memberClusters(svc, g);
    const replicas = (g.nodeGroups[0]?.memberClusters.length ?? 1) - 1;
    const newCount = Math.max(0, count - current);
    if (newCount) {
      await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit, [{ nodeType: g.cacheNodeType, count: newCount * (replicas + 1) }]);
    }
    const zones = availabilityZones((await requireSubnetGroup(svc, g.cacheSubnetGroupName)).doc);
    const used = new Set(g.nodeGroups.map((ng) => Number(ng.id)));
    const newIds: string[] = [];
    for (let n = 1; newIds.length < newCount; n++) if (!used.has(n)) newIds.push(shardId(n - 1));
    const azPrefs = input.ReshardingConfiguration ?? [];
    const now = svc.now();

    const layout = newIds.map((sid, i) => ({
      sid,
      members: Array.from({ length: replicas + 1 }, (_, k) => ({
        id: shardMemberId(g.id, sid, k),
        az: azPrefs[current + i]?.PreferredAvailabilityZones?.[k] ?? zones[(current + i + k) % zones.length]!,
      })),
    }));
    const ids = layout.flatMap((l) => l.members.map((m) => m.id));
    const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr, ids.map((m) => `replicationGroup:${g.id}:${m}`));
    const primary = members.find((c) => c.id === g.primaryClusterId)!;
    const clusters: CacheClusterRecord[] = [];
    const added: NodeGroupRecord[] = layout.map((l) => {
      for (const m of l.members) {
        clusters.push({
          ...newCacheCluster({
            id: m.id, arn: arn(svc.installation, 'cluster', m.id), settings: settingsOf(primary), engineVersionInstalled: primary.engineVersionInstalled,
            availabilityZone: m.az, nodeAddress: addresses[clusters.length]!, replicationGroupId: g.id, now,
          }),
          nodeGroupId: l.sid,
        });
      }
      return { id: l.sid, slots: '', primaryClusterId: l.members[0]!.id, memberClusters: l.members.map((m) => m.id) };
    });
    const shards = [...g.nodeGroups!, ...added];
    const currentSlots = new Map(shards.map((ng) => [ng.id, ng.slots ? parseSlots(ng.slots) : []]));
    const desired = planRebalance(currentSlots, shards.map((ng) => ng.id).filter((id) => !removing.includes(id)));
    const moves = slotMoves(currentSlots, desired);
    const next: ReplicationGroupRecord = bumped({
      ...g,
      nodeGroups: shards.map((ng) => ({ ...ng, slots: formatSlots(desired.get(ng.id) ?? []) })),
      memberClusters: [...g.memberClusters, ...ids],
      resharding: { startedAt: now.toISOString(), totalSlots: moves.length, movedSlots: 0, keysMoved: 0, removing },
    });
    const ops: WriteOp[] = [
      ...groupSpecWrite(view, next),
      ...clusters.map(clusterCreate),
      ...addressOps,
    ];
    await svc.store.commit(ops);
    await svc.events.emit('replication-group', g.id,
      `Resharding of ${g.id} started: ${current} → ${count} node groups, ${moves.length} slots to move`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(next), [...members, ...clusters]) };
  }));

/** The node groups a decrease removes (NodeGroupsToRemove or the complement of NodeGroupsToRetain). */
function shardsToRemove(g: ReplicationGroupRecord, count: number, input: ModifyReplicationGroupShardConfigurationMessage): string[] {
  const ids = g.nodeGroups!.map((ng) => ng.id);
  const toRemove = input.NodeGroupsToRemove ?? [];
  const toRetain = input.NodeGroupsToRetain ?? [];
  if (count >= ids.length) {
    if (toRemove.length || toRetain.length) {
      throw CommonErrors.invalidParameterCombination('NodeGroupsToRemove and NodeGroupsToRetain apply only when NodeGroupCount is lower than the current number of node groups.');
    }
    return [];
  }
  if (toRemove.length && toRetain.length) throw CommonErrors.invalidParameterCombination('Give NodeGroupsToRemove or NodeGroupsToRetain, not both.');
  if (!toRemove.length && !toRetain.length) {
    throw CommonErrors.invalidParameterCombination(`Reducing ${g.id} to ${count} node groups needs NodeGroupsToRemove or NodeGroupsToRetain.`);
  }
  const unknown = [...toRemove, ...toRetain].find((id) => !ids.includes(id));
  if (unknown) throw fault('NodeGroupNotFoundFault', `Node group ${unknown} not found in replication group ${g.id}.`);
  const removing = toRemove.length ? [...new Set(toRemove)] : ids.filter((id) => !toRetain.includes(id));
  if (ids.length - removing.length !== count) {
    throw CommonErrors.invalidParameterCombination(
      `Removing ${removing.length} of ${ids.length} node groups leaves ${ids.length - removing.length}, not the NodeGroupCount ${count}.`);
  }
  return removing;
}
