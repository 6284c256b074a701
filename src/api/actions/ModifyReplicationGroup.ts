import { CommonErrors, fault } from '../../errors/index.js';
import type { ModifyReplicationGroupMessage, ModifyReplicationGroupResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { checkCapacity } from '../../resources/capacity.js';
import { requireReplicationGroup, storedMemberClusters } from '../../resources/lookups.js';
import { applySettingsChanges, SHARED_SETTINGS } from '../../resources/modify.js';
import { userGroupChange } from '../../resources/user-groups.js';
import { authTokenEnabled } from '../../security/auth-token.js';
import { bumped, clusterSpecWrite, groupSpecWrite, presentedCluster, presentedGroup, type CacheClusterRecord, type CacheSettings, type ReplicationGroupRecord, type WriteOp } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

function pick(s: CacheSettings): Partial<CacheSettings> {
  return Object.fromEntries(SHARED_SETTINGS.map((k) => [k, s[k]]));
}

export default defineAction<ModifyReplicationGroupMessage, ModifyReplicationGroupResult>(
  'ModifyReplicationGroup', async (input, svc) => retryOnConflict(async () => {
    const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
    const g = view.doc;
    if (g.status !== 'available') {
      throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${g.status}; it can be modified only when available.`);
    }
    if (input.ClusterMode && input.ClusterMode !== 'disabled') {
      throw CommonErrors.invalidParameterValue('Cluster mode enabled is not supported by cachefleet yet.');
    }
    if (g.clusterEnabled && (input.PrimaryClusterId || input.AutomaticFailoverEnabled === false)) {
      throw CommonErrors.invalidParameterCombination(
        `Replication group ${g.id} has cluster mode enabled: its shards always fail over automatically; use TestFailover with a NodeGroupId to move a shard's primary.`);
    }
    if (input.NodeGroupId && input.NodeGroupId !== '0001' && !g.clusterEnabled) {
      throw fault('NodeGroupNotFoundFault', `Node group ${input.NodeGroupId} not found in replication group ${g.id}.`);
    }
    const change = await applySettingsChanges(svc, g, input);
    // RBAC: user groups attached or detached (their users become the ACL of every node).
    const rbac = await userGroupChange(svc, g, input, authTokenEnabled(g.auth));
    let next: ReplicationGroupRecord = { ...g, ...change.settings };
    const changed = [...change.changed];
    if (rbac) {
      next.userGroupIds = rbac.userGroupIds;
      next.pending = { ...next.pending, userGroups: { add: rbac.add, remove: rbac.remove } };
      changed.push('UserGroupIds');
    }
    if (input.ReplicationGroupDescription !== undefined && input.ReplicationGroupDescription !== g.description) {
      next.description = input.ReplicationGroupDescription;
      changed.push('ReplicationGroupDescription');
    }
    const replicas = g.memberClusters.length - 1;
    const failover = input.AutomaticFailoverEnabled ?? g.automaticFailoverEnabled;
    const multiAZ = input.MultiAZEnabled ?? (failover ? g.multiAZEnabled : false);
    if (failover && replicas < 1) {
      throw CommonErrors.invalidParameterCombination(`Automatic failover needs at least one replica; replication group ${g.id} has none.`);
    }
    if (multiAZ && !failover) throw CommonErrors.invalidParameterCombination('Multi-AZ requires AutomaticFailoverEnabled to be true.');
    if (failover !== g.automaticFailoverEnabled) { next.automaticFailoverEnabled = failover; changed.push('AutomaticFailoverEnabled'); }
    if (multiAZ !== g.multiAZEnabled) { next.multiAZEnabled = multiAZ; changed.push('MultiAZEnabled'); }
    if (input.PrimaryClusterId !== undefined && input.PrimaryClusterId.toLowerCase() !== g.primaryClusterId) {
      const target = input.PrimaryClusterId.toLowerCase();
      if (!g.memberClusters.includes(target)) {
        throw CommonErrors.invalidParameterValue(`Cache cluster ${input.PrimaryClusterId} is not a member of replication group ${g.id}.`);
      }
      if (g.failover || (g.failoverRequest && g.failoverRequest.id !== g.handledFailoverRequest)) {
        throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is failing over; its primary can be chosen once that is done.`);
      }
      // A planned switchover through the failover state machine: the primary endpoint stays with
      // the primary that serves until the machine has promoted the target and switches it over.
      next.failoverRequest = { id: (g.failoverRequest?.id ?? 0) + 1, reason: 'switchover', toClusterId: target, requestedAt: svc.now().toISOString() };
      changed.push('PrimaryClusterId');
    }
    if (input.SnapshottingClusterId !== undefined) {
      const member = input.SnapshottingClusterId.toLowerCase();
      // ElastiCache's words for a cluster that is not a member (404).
      if (g.clusterEnabled || !g.memberClusters.includes(member)) throw fault('CacheClusterNotFoundFault', 'Specified snapshotting cluster does not exist');
      if (member !== g.snapshottingClusterId) { next.snapshottingClusterId = member; changed.push('SnapshottingClusterId'); }
    }
    // Automatic backups turned on without a member to take them from: a replica, as CreateReplicationGroup picks.
    // (ElastiCache has answered "Must specify both SnapshotRetentionLimit and SnapshottingClusterId" here; choosing is kinder.)
    if (!g.clusterEnabled && next.snapshotRetentionLimit > 0 && !next.snapshottingClusterId) {
      next.snapshottingClusterId = g.memberClusters.find((m) => m !== g.primaryClusterId) ?? g.primaryClusterId;
    }
    if (changed.length === 0) throw CommonErrors.invalidParameterCombination('No modifications were requested.');

    // Every member is rewritten at the version read here: a reconciler write in between fails
    // the commit (and the step runs again on the fresh records) instead of being overwritten.
    const stored = await storedMemberClusters(svc, g);
    const members = stored.map((s) => s.doc);
    if (change.nodeType && input.ApplyImmediately) {
      await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit,
        [{ nodeType: change.nodeType, count: members.length }], members.map((c) => c.id));
      next.cacheNodeType = change.nodeType;
    }
    const touchesNodes = (change.nodeType && input.ApplyImmediately) || next.failoverRequest !== g.failoverRequest ||
      next.cacheParameterGroupName !== g.cacheParameterGroupName || next.auth !== g.auth || !!rbac ||
      next.transitEncryptionEnabled !== g.transitEncryptionEnabled || next.transitEncryptionMode !== g.transitEncryptionMode;
    if (touchesNodes) next = bumped(next);
    const clusters = stored.map((s) => {
      let doc: CacheClusterRecord = { ...s.doc, ...pick(next), pending: { ...s.doc.pending } };
      if (change.nodeType && input.ApplyImmediately) { doc.cacheNodeType = change.nodeType; delete doc.pending.cacheNodeType; }
      else if (change.nodeType) doc.pending.cacheNodeType = change.nodeType;
      if (touchesNodes) doc = bumped(doc);
      return doc;
    });
    const clusterOps: WriteOp[] = clusters.flatMap((doc, i) => clusterSpecWrite(stored[i]!, doc));
    await svc.store.commit([...groupSpecWrite(view, next), ...clusterOps, ...(rbac?.ops ?? []), ...change.guards]);
    await svc.events.emit('replication-group', g.id, `Replication group ${g.id} modified: ${changed.join(', ')}`);
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(next), clusters.map(presentedCluster)) };
  }));
