import { fault, CommonErrors } from '../../errors/index.js';
import type { CreateReplicationGroupMessage, CreateReplicationGroupResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { checkCapacity } from '../../resources/capacity.js';
import { newCacheCluster, securitySettingsOf } from '../../resources/cluster-factory.js';
import { memberClusterId, normalizeIdentifier } from '../../resources/naming.js';
import { placeNodes } from '../../resources/placement.js';
import { isClusterModeGroup, resolveCreateSettings } from '../../resources/settings.js';
import { tagOps } from '../../resources/tags.js';
import { arn, type Services } from '../../core/index.js';
import { clusterCreate, clusterSpecWrite, groupCreate, mergeGroup, type CacheClusterRecord, type ClusterView, type ReplicationGroupRecord, type WriteOp } from '../../store/index.js';
import { findCacheCluster } from '../../resources/lookups.js';
import { groupCreateConflicts } from './create-commit.js';
import { refuseOutposts } from './outposts.js';
import { retryOnConflict } from '../../resources/commit.js';
import { createShardedGroup } from './create-sharded.js';
import { resolveEngine } from '../../catalog/engines.js';
import { attachmentOps, userGroupsForCreate } from '../../resources/user-groups.js';
import { planRestore, restoreHoldOps, restoreWords } from '../../resources/restore.js';
import { findSnapshot } from '../../resources/snapshots.js';
import { pointInTimeShardCount } from '../../resources/point-in-time.js';

/**
 * A restore from a cluster-mode-enabled snapshot that asks for no shape of its own (no node groups,
 * no cluster count, no parameter group) gets the snapshot's: as many shards as it has.
 */
async function withSnapshotShape(svc: Services, input: CreateReplicationGroupMessage): Promise<CreateReplicationGroupMessage> {
  if (input.NumNodeGroups !== undefined || input.NodeGroupConfiguration?.length || input.NumCacheClusters !== undefined ||
    input.CacheParameterGroupName || input.ClusterMode === 'disabled' || input.PrimaryClusterId) return input;
  if (!input.SnapshotName) {
    // A point-in-time restore (tags) from a cluster-mode-enabled group: as many shards as it has.
    const shards = await pointInTimeShardCount(svc, input.Tags);
    return shards ? { ...input, NumNodeGroups: shards } : input;
  }
  const config = (await findSnapshot(svc, input.SnapshotName))?.doc.config;
  return config?.clusterEnabled ? { ...input, NumNodeGroups: config.numNodeGroups ?? config.shards.length } : input;
}

/** How many cache clusters (1 primary + replicas) the request asks for; AWS's limits for cluster mode disabled. */
function clusterCount(input: CreateReplicationGroupMessage): number {
  const { NumCacheClusters: n, ReplicasPerNodeGroup: r, PreferredCacheClusterAZs: azs } = input;
  if (n !== undefined && (n < 1 || n > 6)) {
    throw CommonErrors.invalidParameterValue(`NumCacheClusters must be between 1 and 6 (got ${n}).`);
  }
  if (r !== undefined && (r < 0 || r > 5)) {
    throw CommonErrors.invalidParameterValue(`ReplicasPerNodeGroup must be between 0 and 5 (got ${r}).`);
  }
  if (n !== undefined && r !== undefined && n !== r + 1) {
    throw CommonErrors.invalidParameterCombination(
      `NumCacheClusters (${n}) and ReplicasPerNodeGroup (${r}) disagree: a group of ${n} cache clusters has ${n - 1} replicas.`);
  }
  return n ?? (r !== undefined ? r + 1 : azs?.length || 1);
}

export default defineAction<CreateReplicationGroupMessage, CreateReplicationGroupResult>(
  'CreateReplicationGroup', async (input, svc) => {
    const id = normalizeIdentifier('ReplicationGroupId', input.ReplicationGroupId);
    // The whole read-validate-commit runs again when it loses a race (an address, the seed
    // cluster or a user group changed meanwhile): see retryOnConflict.
    const result = await retryOnConflict(() => createGroup(svc, id, input), { alreadyExists: groupCreateConflicts(id) });
    svc.kick();
    return result;
  });

/** One attempt: validates against the records as they are now and commits the new group and its members. */
async function createGroup(svc: Services, id: string, request: CreateReplicationGroupMessage): Promise<CreateReplicationGroupResult> {
  const input = await withSnapshotShape(svc, request);
  if (input.GlobalReplicationGroupId) {
    throw CommonErrors.invalidParameterValue('Global datastores (GlobalReplicationGroupId) are not supported by cachefleet.');
  }
  refuseOutposts(input);
  // Cluster mode: asked for by shape (several node groups, ClusterMode enabled) or by a
  // parameter group with cluster-enabled yes. Without a parameter group, ElastiCache picks
  // default.<family>.cluster.on for a sharded request.
  const wantsShards = (input.NumNodeGroups ?? 1) > 1 || !!input.NodeGroupConfiguration?.length || input.ClusterMode === 'enabled';
  const resolved = await resolveCreateSettings(svc, wantsShards && !input.CacheParameterGroupName
    ? { ...input, CacheParameterGroupName: `default.${resolveEngine(input.EngineVersion, svc.engines).family}.cluster.on` } : input);
  const { settings, engine, parameterGroup, subnetGroup } = resolved;
  if (isClusterModeGroup(parameterGroup)) {
    if (input.ClusterMode === 'disabled') {
      throw CommonErrors.invalidParameterCombination(`Cache parameter group ${parameterGroup.name} has cluster-enabled yes but ClusterMode is disabled.`);
    }
    return createShardedGroup(svc, id, input, resolved);
  }
  if (wantsShards) {
    throw CommonErrors.invalidParameterCombination(
      `Several node groups need a parameter group with cluster-enabled yes (e.g. default.redis7.cluster.on); ${parameterGroup.name} has cluster-enabled no.`);
  }
  if (await svc.store.get('replicationGroup', id)) {
    throw fault('ReplicationGroupAlreadyExistsFault', `Replication group ${id} already exists.`);
  }
  const restore = await planRestore(svc, input, { clusterMode: false, slotsGiven: false, what: 'replication group' });
  // RBAC: the user groups whose users every node knows.
  const userGroups = await userGroupsForCreate(svc, input, settings.transitEncryptionEnabled);
  const count = clusterCount(input);
  const automaticFailover = input.AutomaticFailoverEnabled ?? false;
  const multiAZ = input.MultiAZEnabled ?? false;
  if (automaticFailover && count < 2) {
    throw CommonErrors.invalidParameterCombination(
      'Automatic failover needs at least one replica: set NumCacheClusters to 2 or more, or ReplicasPerNodeGroup to 1 or more.');
  }
  if (multiAZ && !automaticFailover) {
    throw CommonErrors.invalidParameterCombination('Multi-AZ requires AutomaticFailoverEnabled to be true.');
  }

  // An existing standalone cluster can seed the group as its primary (PrimaryClusterId).
  let seed: CacheClusterRecord | undefined;
  let seedView: ClusterView | undefined;
  if (input.PrimaryClusterId) {
    const s = await findCacheCluster(svc, input.PrimaryClusterId);
    if (!s) throw fault('CacheClusterNotFoundFault', `Cache cluster ${input.PrimaryClusterId} not found.`);
    if (s.doc.replicationGroupId) {
      throw fault('InvalidCacheClusterStateFault', `Cache cluster ${s.id} already belongs to replication group ${s.doc.replicationGroupId}.`);
    }
    if (s.doc.status !== 'available') {
      throw fault('InvalidCacheClusterStateFault', `Cache cluster ${s.id} is ${s.doc.status}; it must be available to become a primary.`);
    }
    if (s.doc.transitEncryptionEnabled !== settings.transitEncryptionEnabled) {
      throw CommonErrors.invalidParameterCombination(
        `Cache cluster ${s.id} has TransitEncryptionEnabled ${s.doc.transitEncryptionEnabled}; the replication group it seeds must have the same.`);
    }
    seed = s.doc;
    seedView = s;
  }
  const newCount = seed ? count - 1 : count;
  await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit,
    [{ nodeType: settings.cacheNodeType, count: newCount }]);

  const zones = placeNodes(subnetGroup, count, input.PreferredCacheClusterAZs);
  const now = svc.now();
  const memberIds = Array.from({ length: count }, (_, i) => (seed && i === 0 ? seed.id : memberClusterId(id, seed ? i - 1 : i)));
  const owners = ['primary', 'reader', ...memberIds.slice(seed ? 1 : 0)].map((o) => `replicationGroup:${id}:${o}`);

  const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr, owners);
  const [primaryAddress, readerAddress, ...nodeAddresses] = addresses as [string, string, ...string[]];
  const clusters: CacheClusterRecord[] = memberIds.map((cid, i) => (seed && i === 0)
    ? { ...seed, replicationGroupId: id, ...securitySettingsOf(settings) }
    : newCacheCluster({
      id: cid, arn: arn(svc.installation, 'cluster', cid), settings, engineVersionInstalled: engine.version,
      availabilityZone: zones[i]!, nodeAddress: nodeAddresses[seed ? i - 1 : i]!, replicationGroupId: id, now,
    }));
  const group: ReplicationGroupRecord = mergeGroup({
    ...settings,
    ...(seed ? { cacheNodeType: seed.cacheNodeType, port: seed.port } : {}),
    id,
    arn: arn(svc.installation, 'replicationgroup', id),
    description: input.ReplicationGroupDescription,
    createdAt: now.toISOString(),
    automaticFailoverEnabled: automaticFailover,
    multiAZEnabled: multiAZ,
    memberClusters: memberIds,
    primaryClusterId: memberIds[0]!,
    primaryEndpoint: { address: primaryAddress, port: seed?.port ?? settings.port },
    readerEndpoint: { address: readerAddress, port: seed?.port ?? settings.port },
    pending: {},
    ...(userGroups.length ? { userGroupIds: userGroups.map((u) => u.id) } : {}),
    // Automatic backups are taken from a replica (ElastiCache shows the member as SnapshottingClusterId).
    ...(settings.snapshotRetentionLimit > 0 ? { snapshottingClusterId: memberIds[1] ?? memberIds[0]! } : {}),
    ...(restore ? { restore: restore.request } : {}),
  }, undefined);
  const ops: WriteOp[] = [
    groupCreate(group),
    ...clusters.flatMap((c): WriteOp[] => (seedView && c.id === seedView.id) ? clusterSpecWrite(seedView, c) : [clusterCreate(c)]),
    ...addressOps,
    ...tagOps(group.arn, input.Tags ?? []),
    ...attachmentOps(userGroups, id, true),
    ...restoreHoldOps(restore, id),
    ...resolved.guards,
  ];
  await svc.store.commit(ops);
  await svc.events.emit('replication-group', id, `Replication group ${id} is being created with ${count} cache cluster(s)${restoreWords(restore?.request)}`);
  return { ReplicationGroup: presentReplicationGroup(group, clusters) };
}
