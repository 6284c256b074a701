import { CommonErrors, fault } from '../../errors/index.js';
import type { ConfigureShard, IncreaseReplicaCountMessage, IncreaseReplicaCountResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { resolveEngine } from '../../catalog/engines.js';
import { getNodeType } from '../../catalog/node-types.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { checkCapacity } from '../../resources/capacity.js';
import { newCacheCluster, settingsOf } from '../../resources/cluster-factory.js';
import { memberClusters, requireReplicationGroup, requireSubnetGroup } from '../../resources/lookups.js';
import { memberClusterId } from '../../resources/naming.js';
import { availabilityZones } from '../../resources/placement.js';
import { arn } from '../../core/index.js';
import {
  bumped, clusterCreate, groupSpecWrite, presentedGroup, type CacheClusterRecord, type CacheSettings, type CacheSubnetGroupRecord, type ReplicationGroupRecord, type WriteOp,
} from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';

/** Cluster mode disabled: a primary and at most 5 read replicas. */
export const MAX_REPLICAS = 5;
/** The only node group of a cluster-mode-disabled group. */
const NODE_GROUP_ID = '0001';

/** What IncreaseReplicaCount and DecreaseReplicaCount share in their input. */
export interface ReplicaCountInput {
  ReplicationGroupId: string;
  NewReplicaCount?: number;
  ReplicaConfiguration?: ConfigureShard[];
  ApplyImmediately: boolean;
}

/**
 * Validates the parameters both actions share and returns the requested replica count
 * (undefined when neither NewReplicaCount nor ReplicaConfiguration is given) and the preferred
 * availability zones of the ReplicaConfiguration entry.
 */
export function requestedReplicaCount(input: ReplicaCountInput): { count?: number; preferredAZs?: string[] } {
  if (input.ApplyImmediately !== true) {
    // As documented for both actions: "ApplyImmediately=False is not currently supported."
    throw CommonErrors.invalidParameterValue('ApplyImmediately=False is not currently supported: replica count changes are applied immediately.');
  }
  const config = input.ReplicaConfiguration;
  if (input.NewReplicaCount !== undefined && config?.length) {
    throw CommonErrors.invalidParameterCombination('Specify either NewReplicaCount or ReplicaConfiguration, not both.');
  }
  let count = input.NewReplicaCount;
  let preferredAZs: string[] | undefined;
  if (config?.length) {
    const other = config.find((s) => s.NodeGroupId !== NODE_GROUP_ID);
    if (other) {
      throw fault('NodeGroupNotFoundFault',
        `Node group ${other.NodeGroupId} not found in replication group ${input.ReplicationGroupId} (cluster mode disabled: its only node group is ${NODE_GROUP_ID}).`);
    }
    if (config.length > 1) {
      throw CommonErrors.invalidParameterValue(`ReplicaConfiguration names node group ${NODE_GROUP_ID} ${config.length} times; name it once.`);
    }
    count = config[0]!.NewReplicaCount;
    if (config[0]!.PreferredOutpostArns?.length) {
      throw CommonErrors.invalidParameterValue('PreferredOutpostArns are not supported: cachefleet has no Outposts.');
    }
    preferredAZs = config[0]!.PreferredAvailabilityZones?.length ? config[0]!.PreferredAvailabilityZones : undefined;
  }
  if (count !== undefined && (!Number.isInteger(count) || count < 0 || count > MAX_REPLICAS)) {
    throw CommonErrors.invalidParameterValue(
      `NewReplicaCount must be between 0 and ${MAX_REPLICAS} for a replication group with cluster mode disabled (got ${count}).`);
  }
  return { count, ...(preferredAZs ? { preferredAZs } : {}) };
}

/** The group must be available (and not failing over or being deleted) for its replica count to change. */
export function requireChangeableGroup(g: ReplicationGroupRecord, members: CacheClusterRecord[]): void {
  const state = g.deleteRequested ? 'deleting' : g.failover ? 'failing over' : g.status;
  if (state !== 'available') {
    throw fault('InvalidReplicationGroupStateFault',
      `Replication group ${g.id} is ${state}; its replica count can be changed only when it is available.`);
  }
  if (members.length !== g.memberClusters.length) {
    throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is missing member cache clusters; try again later.`);
  }
}

/** The number N of a member named `<group>-00N`, as ElastiCache numbers members; undefined for other names. */
export function memberNumber(groupId: string, clusterId: string): number | undefined {
  if (!clusterId.startsWith(`${groupId}-`)) return undefined;
  const tail = clusterId.slice(groupId.length + 1);
  return /^\d{3,}$/.test(tail) ? Number(tail) : undefined;
}

/**
 * Availability zones for `count` new replicas. Without a preference, each goes to the zone of
 * the subnet group with the fewest members so far (Multi-AZ spread; ties in the subnet group's
 * order). `preferred` (ConfigureShard.PreferredAvailabilityZones) describes the whole node group
 * (NewReplicaCount + 1 zones, the primary's included): the zones existing members already
 * occupy are taken out and the new replicas get the rest, in the order given.
 */
export function placeNewReplicas(subnetGroup: CacheSubnetGroupRecord, existingZones: string[], count: number,
  total: number, preferred?: string[]): string[] {
  const zones = availabilityZones(subnetGroup);
  if (zones.length === 0) throw CommonErrors.invalidParameterValue(`Cache subnet group ${subnetGroup.name} has no subnets.`);
  if (preferred) {
    if (preferred.length !== total) {
      throw CommonErrors.invalidParameterValue(
        `PreferredAvailabilityZones names ${preferred.length} availability zones; it must name NewReplicaCount + 1 = ${total} (one for the primary and one for each replica).`);
    }
    const unknown = preferred.find((az) => !zones.includes(az));
    if (unknown) {
      throw CommonErrors.invalidParameterValue(
        `Availability zone ${unknown} is not in cache subnet group ${subnetGroup.name} (its zones: ${zones.join(', ')}).`);
    }
    const rest = [...preferred];
    for (const z of existingZones) {
      const i = rest.indexOf(z);
      if (i >= 0) rest.splice(i, 1);
    }
    // Existing members outside the listed zones leave more entries than new replicas: the first are used.
    return rest.slice(0, count);
  }
  const load = new Map(zones.map((z) => [z, 0]));
  for (const z of existingZones) if (load.has(z)) load.set(z, load.get(z)! + 1);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const zone = zones.reduce((best, z) => (load.get(z)! < load.get(best)! ? z : best), zones[0]!);
    load.set(zone, load.get(zone)! + 1);
    out.push(zone);
  }
  return out;
}

/** The larger of a node type and its pending replacement (capacity counts what may land). */
function largerNodeType(current: string, pending: string | undefined): string {
  if (!pending) return current;
  return (getNodeType(pending)?.maxmemoryBytes ?? 0) > (getNodeType(current)?.maxmemoryBytes ?? 0) ? pending : current;
}

/**
 * Adds read replicas to a replication group (cluster mode disabled). Each is a new member cache
 * cluster named as ElastiCache names them (`<group>-00N`, the lowest unused numbers), in the
 * zones with the fewest members; the reconciler starts them as replicas of the primary and the
 * group is available again once every replica's link is up.
 */
export default defineAction<IncreaseReplicaCountMessage, IncreaseReplicaCountResult>(
  'IncreaseReplicaCount', async (input, svc) => retryOnConflict(async () => {
    const { count, preferredAZs } = requestedReplicaCount(input);
    if (count === undefined) {
      throw CommonErrors.invalidParameterValue('Specify the number of replicas wanted: NewReplicaCount, or ReplicaConfiguration for node group 0001.');
    }
    const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
    const g = view.doc;
    const members = await memberClusters(svc, g);
    requireChangeableGroup(g, members);
    const current = g.memberClusters.length - 1;
    if (count <= current) {
      throw CommonErrors.invalidParameterValue(
        `NewReplicaCount (${count}) must be greater than the current number of replicas of ${g.id} (${current}); ` +
        'use DecreaseReplicaCount to remove replicas.');
    }
    const notReady = members.find((c) => c.status !== 'available' || c.deleteRequested);
    if (notReady) {
      throw fault('InvalidCacheClusterStateFault', `Cache cluster ${notReady.id} of ${g.id} is ${notReady.status}; every member must be available.`);
    }
    const primary = members.find((c) => c.id === g.primaryClusterId);
    if (!primary) throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} has no primary cache cluster record.`);
    const add = count - current;

    const settings = settingsOf(primary);
    const engine = resolveEngine(settings.engineVersion, svc.engines);
    const subnetGroup = (await requireSubnetGroup(svc, g.cacheSubnetGroupName)).doc;
    const zones = placeNewReplicas(subnetGroup, members.map((c) => c.preferredAvailabilityZone), add, count + 1, preferredAZs);
    await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit,
      [{ nodeType: largerNodeType(primary.cacheNodeType, primary.pending.cacheNodeType), count: add }]);
    const now = svc.now();

    // The lowest numbers no member and no other cache cluster (e.g. one still being deleted) uses.
    const taken = new Set([...g.memberClusters, ...(await svc.store.list('cacheCluster')).map((r) => r.id)]);
    const ids: string[] = [];
    for (let i = 0; ids.length < add; i++) {
      const id = memberClusterId(g.id, i);
      if (!taken.has(id)) ids.push(id);
    }
    const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr,
      ids.map((id) => `replicationGroup:${g.id}:${id}`));
    const added = ids.map((id, i): CacheClusterRecord => {
      const c = newCacheCluster({
        id, arn: arn(svc.installation, 'cluster', id), settings, engineVersionInstalled: engine.version,
        availabilityZone: zones[i]!, nodeAddress: addresses[i]!, replicationGroupId: g.id, now,
      });
      // A node type change waiting for the maintenance window applies to the new replicas too.
      if (primary.pending.cacheNodeType) c.pending.cacheNodeType = primary.pending.cacheNodeType;
      return c;
    });
    const next: ReplicationGroupRecord = bumped({ ...g, memberClusters: [...g.memberClusters, ...ids] });
    const ops: WriteOp[] = [
      ...groupSpecWrite(view, next),
      ...added.map(clusterCreate),
      ...addressOps,
    ];
    await svc.store.commit(ops);
    await svc.events.emit('replication-group', g.id, `Replica count of ${g.id} is being increased from ${current} to ${count}`);
    for (const c of added) {
      await svc.events.emit('cache-cluster', c.id,
        `Cache cluster ${c.id} is being added to replication group ${g.id} as a read replica in ${c.preferredAvailabilityZone}`);
    }
    svc.kick();
    return { ReplicationGroup: presentReplicationGroup(presentedGroup(next), [...members, ...added]) };
  }));
