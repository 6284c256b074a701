// A replication group's actions on its page: the forms' values → each action's Query parameters,
// and an API error → the field it is about (pure: tested without a browser, against the API's own
// Query decoder).
import type { Params } from './metric-queries.js';
import type { ReplicationGroup } from './types.js';

export interface ModifyValues {
  nodeType: string;
  parameterGroup: string;
  /** '' leaves TLS as it is; `preferred` or `required` (ModifyReplicationGroup's TransitEncryptionMode). */
  transitMode: string;
  maintenanceWindow: string;
  snapshotWindow: string;
  snapshotRetention: string;
  applyImmediately: boolean;
}

/** The modify form starts from the group's current settings, so only what the user changes is sent. */
export function modifyValuesOf(g: ReplicationGroup): ModifyValues {
  return {
    nodeType: g.CacheNodeType ?? '', parameterGroup: '', transitMode: '', maintenanceWindow: '',
    snapshotWindow: g.SnapshotWindow ?? '', snapshotRetention: g.SnapshotRetentionLimit === undefined ? '' : String(g.SnapshotRetentionLimit),
    applyImmediately: true,
  };
}

/**
 * ModifyReplicationGroup's parameters: only the settings that differ from the group's (the API
 * answers "No modifications were requested." when none does). Turning TLS on from off goes
 * through `preferred` first, as ElastiCache requires; `required` on a group already on TLS.
 */
export function modifyParams(g: ReplicationGroup, v: ModifyValues): Params {
  const p: Params = { ReplicationGroupId: g.ReplicationGroupId ?? '', ApplyImmediately: String(v.applyImmediately) };
  if (v.nodeType.trim() && v.nodeType.trim() !== g.CacheNodeType) p.CacheNodeType = v.nodeType.trim();
  if (v.parameterGroup.trim()) p.CacheParameterGroupName = v.parameterGroup.trim();
  if (v.transitMode && v.transitMode !== currentTransitMode(g)) {
    p.TransitEncryptionEnabled = 'true';
    p.TransitEncryptionMode = v.transitMode;
  }
  if (v.maintenanceWindow.trim()) p.PreferredMaintenanceWindow = v.maintenanceWindow.trim();
  if (v.snapshotWindow.trim() && v.snapshotWindow.trim() !== (g.SnapshotWindow ?? '')) p.SnapshotWindow = v.snapshotWindow.trim();
  const retention = v.snapshotRetention.trim();
  if (retention !== '' && retention !== String(g.SnapshotRetentionLimit ?? '')) p.SnapshotRetentionLimit = retention;
  return p;
}

/** The group's TLS mode as the modify form shows it ('' when TLS is off). */
export function currentTransitMode(g: ReplicationGroup): string {
  if (!g.TransitEncryptionEnabled) return '';
  return g.TransitEncryptionMode ?? 'required';
}

export const MODIFY_FIELDS: Record<keyof ModifyValues, string[]> = {
  nodeType: ['CacheNodeType', 'InsufficientCacheClusterCapacityFault', 'InvalidCacheNodeType'],
  parameterGroup: ['CacheParameterGroupName', 'CacheParameterGroupNotFound', 'parameter group'],
  transitMode: ['TransitEncryptionMode', 'TransitEncryptionEnabled'],
  maintenanceWindow: ['PreferredMaintenanceWindow'],
  snapshotWindow: ['SnapshotWindow'],
  snapshotRetention: ['SnapshotRetentionLimit'],
  applyImmediately: ['ApplyImmediately'],
};

/** The number of replicas per shard now (members of the first node group, less its primary). */
export function replicaCount(g: ReplicationGroup): number {
  const members = g.NodeGroups?.[0]?.NodeGroupMembers?.length ?? g.MemberClusters?.length ?? 1;
  return Math.max(0, members - 1);
}

/** IncreaseReplicaCount or DecreaseReplicaCount to `wanted` replicas per shard (undefined: no change). */
export function replicaChange(g: ReplicationGroup, wanted: number): { action: 'IncreaseReplicaCount' | 'DecreaseReplicaCount'; params: Params } | undefined {
  const now = replicaCount(g);
  if (!Number.isInteger(wanted) || wanted === now) return undefined;
  return {
    action: wanted > now ? 'IncreaseReplicaCount' : 'DecreaseReplicaCount',
    params: { ReplicationGroupId: g.ReplicationGroupId ?? '', NewReplicaCount: String(wanted), ApplyImmediately: 'true' },
  };
}

/**
 * ModifyReplicationGroupShardConfiguration to `count` shards. Fewer shards must name the ones to
 * remove (the API refuses without): the highest-numbered go, as ElastiCache's console proposes.
 */
export function reshardParams(g: ReplicationGroup, count: string): Params {
  const p: Params = { ReplicationGroupId: g.ReplicationGroupId ?? '', NodeGroupCount: count.trim(), ApplyImmediately: 'true' };
  const ids = (g.NodeGroups ?? []).map((ng) => ng.NodeGroupId ?? '').filter(Boolean).sort();
  const n = Number(count);
  if (Number.isInteger(n) && n >= 1 && n < ids.length) {
    ids.slice(n).forEach((id, i) => { p[`NodeGroupsToRemove.NodeGroupToRemove.${i + 1}`] = id; });
  }
  return p;
}

/** Resharding progress as the page shows it (PendingModifiedValues.Resharding.SlotMigration), if resharding. */
export function reshardingProgress(g: ReplicationGroup): number | undefined {
  const pct = g.PendingModifiedValues?.Resharding?.SlotMigration?.ProgressPercentage;
  return pct === undefined ? undefined : Math.round(pct * 10) / 10;
}

/** RebootCacheCluster of one node: the node's cluster id and its node id (0001 in a group's member). */
export function rebootParams(clusterId: string, nodeId = '0001'): Params {
  return { CacheClusterId: clusterId, 'CacheNodeIdsToReboot.CacheNodeId.1': nodeId };
}

/** The AUTH token's rotation: ROTATE to the new token (both valid), then SET (only the new one). */
export function authTokenParams(g: ReplicationGroup, token: string, strategy: 'ROTATE' | 'SET'): Params {
  return { ReplicationGroupId: g.ReplicationGroupId ?? '', AuthToken: token, AuthTokenUpdateStrategy: strategy, ApplyImmediately: 'true' };
}

/** DeleteReplicationGroup, with a final snapshot when a name is given. */
export function deleteParams(g: ReplicationGroup, finalSnapshot: string): Params {
  const p: Params = { ReplicationGroupId: g.ReplicationGroupId ?? '' };
  if (finalSnapshot.trim()) p.FinalSnapshotIdentifier = finalSnapshot.trim();
  return p;
}

export const DELETE_FIELDS = { finalSnapshot: ['FinalSnapshotIdentifier', 'SnapshotName', 'SnapshotAlreadyExistsFault', 'SnapshotQuotaExceededFault'] };
export const AUTH_FIELDS = { token: ['AuthToken', 'AuthTokenUpdateStrategy'] };
export const REPLICA_FIELDS = { replicas: ['NewReplicaCount', 'ReplicaConfiguration', 'ReplicasToRemove', 'InsufficientCacheClusterCapacityFault'] };
export const RESHARD_FIELDS = { shards: ['NodeGroupCount', 'NodeGroupsToRemove', 'NodeGroupsToRetain', 'InsufficientCacheClusterCapacityFault'] };
