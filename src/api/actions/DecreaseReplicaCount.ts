import { CommonErrors, fault } from '../../errors/index.js';
import type { DecreaseReplicaCountMessage, DecreaseReplicaCountResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { memberNumber, requestedReplicaCount, requireChangeableGroup } from './IncreaseReplicaCount.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { findCacheCluster, memberClusters, requireReplicationGroup } from '../../resources/lookups.js';
import { bumped, clusterSpecWrite, groupSpecWrite, presentedGroup, type CacheClusterRecord, type ReplicationGroupRecord, type WriteOp } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

/**
 * Removes read replicas from a replication group (cluster mode disabled): the ones named in
 * ReplicasToRemove, else (or also, when NewReplicaCount asks for fewer) the highest-numbered.
 * Each removed member is marked for deletion and leaves the group's member list in the same
 * commit; the reconciler stops its process and frees its address, and the group is available
 * again on its next settled pass.
 */
export default defineAction<DecreaseReplicaCountMessage, DecreaseReplicaCountResult>(
  'DecreaseReplicaCount', async (input, svc) => retryOnConflict(async () => {
    const { count } = requestedReplicaCount(input);
    const named = [...new Set((input.ReplicasToRemove ?? []).map((id) => id.toLowerCase()))];
    if (count === undefined && named.length === 0) {
      throw CommonErrors.invalidParameterValue(
        'Specify the replicas to remove (ReplicasToRemove) or the number of replicas wanted (NewReplicaCount, or ReplicaConfiguration for node group 0001).');
    }
    const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
    const g = view.doc;
    const members = await memberClusters(svc, g);
    requireChangeableGroup(g, members);
    const current = g.memberClusters.length - 1;

    for (const id of named) {
      if (id === g.primaryClusterId) {
        throw CommonErrors.invalidParameterValue(
          `Cache cluster ${id} is the primary of replication group ${g.id} and cannot be removed; ` +
          'fail over to a replica first (TestFailover, or ModifyReplicationGroup --primary-cluster-id).');
      }
      if (g.memberClusters.includes(id)) continue;
      if (!(await findCacheCluster(svc, id))) throw fault('CacheClusterNotFoundFault', `Cache cluster ${id} not found.`);
      throw CommonErrors.invalidParameterValue(`Cache cluster ${id} is not a replica of replication group ${g.id}.`);
    }
    const target = count ?? current - named.length;
    if (target >= current) {
      throw CommonErrors.invalidParameterValue(
        `NewReplicaCount (${target}) must be less than the current number of replicas of ${g.id} (${current}); ` +
        'use IncreaseReplicaCount to add replicas.');
    }
    // With both, ReplicasToRemove says which replicas go first and NewReplicaCount how many stay:
    // more are removed (highest-numbered) when the named ones are not enough, never fewer.
    if (count !== undefined && named.length > current - count) {
      throw CommonErrors.invalidParameterCombination(
        `Removing the ${named.length} replicas named in ReplicasToRemove leaves ${current - named.length} of the ${current} replicas of ${g.id}, ` +
        `fewer than NewReplicaCount ${count}.`);
    }
    if (g.automaticFailoverEnabled && target < 1) {
      // AWS answers this with InvalidParameterValue ("Must have at least 1 replica when cluster mode
      // is disabled with auto failover enabled."), not a state or combination fault.
      throw CommonErrors.invalidParameterValue(
        `Must have at least 1 replica when cluster mode is disabled with auto failover enabled: ${g.id} has automatic failover ` +
        `${g.multiAZEnabled ? 'and Multi-AZ ' : ''}enabled; disable it with ModifyReplicationGroup to remove its last replica.`);
    }

    // The named replicas, then the highest-numbered (<group>-00N; replicas named otherwise count as the lowest).
    const others = g.memberClusters.filter((id) => id !== g.primaryClusterId && !named.includes(id))
      .map((id, position) => ({ id, position, n: memberNumber(g.id, id) ?? 0 }))
      .sort((a, b) => b.n - a.n || b.position - a.position);
    const removeIds = [...named, ...others.slice(0, current - target - named.length).map((r) => r.id)];
    // Each removed record is written over the version read here (its doc and version read together).
    const stored = await Promise.all(removeIds.map((id) => findCacheCluster(svc, id)));
    if (stored.some((s) => s === undefined)) {
      throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is missing member cache clusters; try again later.`);
    }
    const removed = stored.map((s): CacheClusterRecord => ({ ...s!.doc, deleteRequested: true }));
    const next: ReplicationGroupRecord = bumped({ ...g, memberClusters: g.memberClusters.filter((id) => !removeIds.includes(id)) });
    const ops: WriteOp[] = [
      ...groupSpecWrite(view, next),
      ...removed.flatMap((c, i) => clusterSpecWrite(stored[i]!, c)),
    ];
    await svc.store.commit(ops);
    await svc.events.emit('replication-group', g.id,
      `Replica count of ${g.id} is being decreased from ${current} to ${target} (removing ${removeIds.join(', ')})`);
    for (const c of removed) await svc.events.emit('cache-cluster', c.id, `Cache cluster ${c.id} is being deleted`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(next), members.filter((c) => !removeIds.includes(c.id))) };
  }));
