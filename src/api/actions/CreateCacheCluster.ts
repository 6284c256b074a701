import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateCacheClusterMessage, CreateCacheClusterResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { refuseOutposts } from './outposts.js';
import { presentCacheCluster } from '../present/cache-cluster.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { checkCapacity } from '../../resources/capacity.js';
import { newCacheCluster, securitySettingsOf } from '../../resources/cluster-factory.js';
import { normalizeIdentifier } from '../../resources/naming.js';
import { placeNodes } from '../../resources/placement.js';
import { isClusterModeGroup, resolveCreateSettings } from '../../resources/settings.js';
import { tagOps } from '../../resources/tags.js';
import { arn, type Services } from '../../core/index.js';
import { bumped, clusterCreate, groupSpecWrite, type WriteOp } from '../../store/index.js';
import { findReplicationGroup } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';
import { planRestore, restoreHoldOps, restoreWords } from '../../resources/restore.js';

/**
 * A standalone single-node Redis cluster, or, with ReplicationGroupId, a new read replica
 * added to an existing group (it takes the group's settings, as ElastiCache does).
 */
export default defineAction<CreateCacheClusterMessage, CreateCacheClusterResult>(
  'CreateCacheCluster', async (input, svc) => {
    const id = normalizeIdentifier('CacheClusterId', input.CacheClusterId);
    // A read-validate-commit that lost a race (an address, or the group it joins, changed
    // meanwhile) runs again on fresh records: see retryOnConflict.
    const result = await retryOnConflict(() => createCluster(svc, id, input), {
      alreadyExists: (e) => e.kind === 'cacheCluster' ? fault('CacheClusterAlreadyExistsFault', `Cache cluster ${id} already exists.`) : undefined,
    });
    svc.kick();
    return result;
  });

/** One attempt: validates against the records as they are now and commits the new cluster. */
async function createCluster(svc: Services, id: string, input: CreateCacheClusterMessage): Promise<CreateCacheClusterResult> {
  // As ElastiCache: "The parameter CacheNodeType must be provided and must not be null." A
  // replica added to a group (ReplicationGroupId) takes the group's node type instead.
  if (!input.CacheNodeType && !input.ReplicationGroupId) {
    throw CommonErrors.invalidParameterValue('The parameter CacheNodeType must be provided and must not be null.');
  }
  refuseOutposts(input);
  if (input.NumCacheNodes !== undefined && input.NumCacheNodes !== 1) {
    throw CommonErrors.invalidParameterValue(`NumCacheNodes must be 1 for the redis engine (got ${input.NumCacheNodes}); add read replicas with a replication group.`);
  }
  if (input.AZMode === 'cross-az') {
    throw CommonErrors.invalidParameterValue('AZMode cross-az applies to memcached clusters only.');
  }
  if (await svc.store.get('cacheCluster', id)) {
    throw fault('CacheClusterAlreadyExistsFault', `Cache cluster ${id} already exists.`);
  }
  if (input.ReplicationGroupId && (input.SnapshotName || input.SnapshotArns?.length)) {
    throw CommonErrors.invalidParameterCombination('A replica added to a replication group takes its data from the primary; SnapshotName and SnapshotArns apply to a standalone cache cluster.');
  }
  const group = input.ReplicationGroupId ? await findReplicationGroup(svc, input.ReplicationGroupId) : undefined;
  if (input.ReplicationGroupId && !group) {
    throw fault('ReplicationGroupNotFoundFault', `Replication group ${input.ReplicationGroupId} not found.`);
  }
  if (group && group.doc.status !== 'available') {
    throw fault('InvalidReplicationGroupStateFault', `Replication group ${group.id} is ${group.doc.status}; it must be available to add a replica.`);
  }
  if (group && group.doc.memberClusters.length >= 6) {
    throw fault('NodeQuotaForClusterExceededFault', `Replication group ${group.id} already has 6 cache clusters (1 primary and 5 replicas).`);
  }
  const resolved = await resolveCreateSettings(svc, group ? {
    ...input, CacheNodeType: group.doc.cacheNodeType, EngineVersion: group.doc.engineVersion,
    CacheParameterGroupName: group.doc.cacheParameterGroupName, CacheSubnetGroupName: group.doc.cacheSubnetGroupName,
    Port: group.doc.port,
  } : input);
  const { engine, parameterGroup, subnetGroup } = resolved;
  // A replica takes its group's TLS, AUTH token and encryption at rest, whatever the request says.
  const settings = group ? {
    ...resolved.settings, auth: undefined, transitEncryptionMode: undefined, ...securitySettingsOf(group.doc),
    atRestEncryptionEnabled: group.doc.atRestEncryptionEnabled, ...(group.doc.kmsKey ? { kmsKey: group.doc.kmsKey } : {}),
  } : resolved.settings;
  if (isClusterModeGroup(parameterGroup)) {
    throw CommonErrors.invalidParameterCombination(
      `Cache parameter group ${parameterGroup.name} has cluster-enabled yes; cluster mode enabled is not supported by cachefleet yet.`);
  }
  const restore = group ? undefined : await planRestore(svc, input, { clusterMode: false, slotsGiven: false, what: 'cache cluster' });
  await checkCapacity(svc.store, svc.config.hostMemoryBytes, svc.config.memoryOvercommit, [{ nodeType: settings.cacheNodeType, count: 1 }]);
  const preferred = input.PreferredAvailabilityZone ?? input.PreferredAvailabilityZones?.[0];
  const [zone] = placeNodes(subnetGroup, 1, preferred ? [preferred] : undefined);
  const now = svc.now();

  const { addresses, ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr, [`cacheCluster:${id}:0001`]);
  const cluster = {
    ...newCacheCluster({
      id, arn: arn(svc.installation, 'cluster', id), settings, engineVersionInstalled: engine.version,
      availabilityZone: zone!, nodeAddress: addresses[0]!, now,
      ...(group ? { replicationGroupId: group.id } : {}),
    }),
    ...(restore ? { restore: restore.request } : {}),
  };
  const ops: WriteOp[] = [
    clusterCreate(cluster),
    ...addressOps,
    ...tagOps(cluster.arn, input.Tags ?? []),
    ...restoreHoldOps(restore, id),
    ...resolved.guards,
  ];
  if (group) {
    ops.push(...groupSpecWrite(group, bumped({ ...group.doc, memberClusters: [...group.doc.memberClusters, id] })));
  }
  await svc.store.commit(ops);
  await svc.events.emit('cache-cluster', id, group
    ? `Cache cluster ${id} is being added to replication group ${group.id} as a read replica`
    : `Cache cluster ${id} is being created${restoreWords(restore?.request)}`);
  return { CacheCluster: presentCacheCluster(cluster, false) };
}
