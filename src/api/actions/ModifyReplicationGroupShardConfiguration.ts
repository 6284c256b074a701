import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyReplicationGroupShardConfigurationMessage, ModifyReplicationGroupShardConfigurationResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { requireReplicationGroup } from '../../resources/lookups.js';
import { planReshard } from '../../resources/reshard.js';
import { MAX_SHARDS } from '../../resources/shard-layout.js';
import { presentedGroup, type ReplicationGroupRecord } from '../../store/index.js';
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
    const azPrefs = (input.ReshardingConfiguration ?? []).map((r) => r.PreferredAvailabilityZones);
    const plan = await planReshard(svc, view, count, removing, azPrefs);
    await svc.store.commit(plan.ops);
    await svc.events.emit('replication-group', g.id,
      `Resharding of ${g.id} started: ${current} → ${count} node groups, ${plan.slotsToMove} slots to move`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(plan.next), [...plan.members, ...plan.created]) };
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
