import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateReplicationGroupMessage, CreateReplicationGroupResult } from '../model/shapes.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { checkCapacity } from '../../resources/capacity.js';
import { newCacheCluster } from '../../resources/cluster-factory.js';
import { availabilityZones } from '../../resources/placement.js';
import type { ResolvedSettings } from '../../resources/settings.js';
import { planShards, shardMemberId } from '../../resources/shard-layout.js';
import { tagOps } from '../../resources/tags.js';
import { attachmentOps, userGroupsForCreate } from '../../resources/user-groups.js';
import { arn, type Services } from '../../core/index.js';
import { clusterCreate, groupCreate, mergeGroup, type CacheClusterRecord, type NodeGroupRecord, type ReplicationGroupRecord, type WriteOp } from '../../store/index.js';
import { planRestore, restoreHoldOps, restoreWords } from '../../resources/restore.js';
import { isServerlessBacking } from '../../resources/serverless.js';

/**
 * CreateReplicationGroup with cluster mode enabled: N shards of a primary and replicas running
 * Redis Cluster, reached through one configuration endpoint. Each shard's primary and replicas
 * are spread over the subnet group's AZs (or placed as NodeGroupConfiguration says).
 */
export async function createShardedGroup(svc: Services, id: string, input: CreateReplicationGroupMessage,
  resolved: ResolvedSettings): Promise<CreateReplicationGroupResult> {
  const { group, clusters, ops, shards, nodeCount, restore } = await planShardedGroup(svc, id, input, resolved);
  await svc.store.commit(ops);
  await svc.events.emit('replication-group', id,
    `Replication group ${id} is being created with ${shards} node group(s) and ${nodeCount} node(s) (cluster mode enabled)${restoreWords(restore?.request)}`);
  return { ReplicationGroup: presentReplicationGroup(group, clusters) };
}

/** A new cluster-mode group, validated, as records and the writes that create it (not committed). */
export interface ShardedGroupPlan {
  group: ReplicationGroupRecord;
  clusters: CacheClusterRecord[];
  ops: WriteOp[];
  shards: number;
  nodeCount: number;
  restore: Awaited<ReturnType<typeof planRestore>>;
}

/**
 * Validates and plans a cluster-mode group without committing it: CreateReplicationGroup commits
 * the plan alone, CreateServerlessCache with the serverless cache it backs (one atomic commit).
 */
export async function planShardedGroup(svc: Services, id: string, input: CreateReplicationGroupMessage,
  resolved: ResolvedSettings): Promise<ShardedGroupPlan> {
  const { settings, engine, subnetGroup } = resolved;
  if (input.NumCacheClusters !== undefined || input.PreferredCacheClusterAZs?.length || input.PrimaryClusterId) {
    throw CommonErrors.invalidParameterCombination(
      'NumCacheClusters, PreferredCacheClusterAZs and PrimaryClusterId apply to cluster mode disabled; use NumNodeGroups, ReplicasPerNodeGroup or NodeGroupConfiguration.');
  }
  if (input.AutomaticFailoverEnabled === false) {
    throw CommonErrors.invalidParameterCombination('AutomaticFailoverEnabled must be true for a replication group with cluster mode enabled.');
  }
  if (input.MultiAZEnabled && (input.ReplicasPerNodeGroup ?? 1) < 1 && !input.NodeGroupConfiguration?.length) {
    throw CommonErrors.invalidParameterCombination('Multi-AZ needs at least one replica per node group.');
  }
  const userGroups = await userGroupsForCreate(svc, input, settings.transitEncryptionEnabled);
  const shards = planShards(input);
  const zones = availabilityZones(subnetGroup);
  for (const z of shards.flatMap((s) => [s.primaryAZ, ...(s.replicaAZs ?? [])])) {
    if (z && !zones.includes(z)) throw CommonErrors.invalidParameterValue(`Availability zone ${z} is not in cache subnet group ${subnetGroup.name} (its zones: ${zones.join(', ')}).`);
  }
  const nodeCount = shards.reduce((n, s) => n + 1 + s.replicaCount, 0);
  if (nodeCount > 500) throw fault('NodeQuotaForClusterExceededFault', `The request asks for ${nodeCount} nodes; a replication group has at most 500.`);
  if (await svc.store.get('replicationGroup', id)) throw fault('ReplicationGroupAlreadyExistsFault', `Replication group ${id} already exists.`);
  const slotsGiven = !!input.NodeGroupConfiguration?.length && input.NodeGroupConfiguration.every((c) => !!c.Slots);
  const restore = await planRestore(svc, input, { clusterMode: true, slotsGiven, what: isServerlessBacking(id) ? 'serverless cache' : 'replication group' });
  await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit, [{ nodeType: settings.cacheNodeType, count: nodeCount }]);

  const now = svc.now();
  // Members per shard, with an AZ each: the primary in zone i, its replicas in the following zones.
  const layout = shards.map((s, i) => ({
    shard: s,
    members: Array.from({ length: 1 + s.replicaCount }, (_, k) => ({
      id: shardMemberId(id, s.id, k),
      az: (k === 0 ? s.primaryAZ : s.replicaAZs?.[k - 1]) ?? zones[(i + k) % zones.length]!,
    })),
  }));
  const memberIds = layout.flatMap((l) => l.members.map((m) => m.id));
  const owners = ['configuration', ...memberIds].map((o) => `replicationGroup:${id}:${o}`);

  const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr, owners);
  const [configAddress, ...nodeAddresses] = addresses as [string, ...string[]];
  const clusters: CacheClusterRecord[] = [];
  const nodeGroups: NodeGroupRecord[] = layout.map((l) => {
    for (const m of l.members) {
      clusters.push({
        ...newCacheCluster({
          id: m.id, arn: arn(svc.installation, 'cluster', m.id), settings, engineVersionInstalled: engine.version,
          availabilityZone: m.az, nodeAddress: nodeAddresses[clusters.length]!, replicationGroupId: id, now,
        }),
        nodeGroupId: l.shard.id,
      });
    }
    return { id: l.shard.id, slots: l.shard.slots, primaryClusterId: l.members[0]!.id, memberClusters: l.members.map((m) => m.id) };
  });
  const endpoint = { address: configAddress, port: settings.port };
  const group: ReplicationGroupRecord = mergeGroup({
    ...settings,
    id,
    arn: arn(svc.installation, 'replicationgroup', id),
    description: input.ReplicationGroupDescription,
    createdAt: now.toISOString(),
    automaticFailoverEnabled: true,
    multiAZEnabled: input.MultiAZEnabled ?? false,
    memberClusters: memberIds,
    primaryClusterId: nodeGroups[0]!.primaryClusterId,
    clusterEnabled: true,
    nodeGroups,
    configurationEndpoint: endpoint,
    // Cluster mode has no primary or reader endpoint; both name the configuration endpoint's address.
    primaryEndpoint: endpoint,
    readerEndpoint: endpoint,
    pending: {},
    ...(userGroups.length ? { userGroupIds: userGroups.map((u) => u.id) } : {}),
    ...(restore ? { restore: restore.request } : {}),
  }, undefined);
  const ops: WriteOp[] = [
    groupCreate(group),
    ...clusters.map(clusterCreate),
    ...addressOps,
    ...tagOps(group.arn, input.Tags ?? []),
    ...attachmentOps(userGroups, id, true),
    ...restoreHoldOps(restore, id),
    ...resolved.guards,
  ];
  return { group, clusters, ops, shards: shards.length, nodeCount, restore };
}
