import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateReplicationGroupMessage, CreateServerlessCacheRequest, CreateServerlessCacheResponse } from '../model/shapes.js';
import { presentServerlessCache } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { planShardedGroup } from './create-sharded.js';
import { arn, type Services } from '../../core/index.js';
import { resolveEngine } from '../../catalog/engines.js';
import { reserveAddresses } from '../../resources/addresses.js';
import { retryOnConflict } from '../../resources/commit.js';
import { resolveKmsKey } from '../../resources/kms.js';
import { resolveCreateSettings } from '../../resources/settings.js';
import { requireSecurityGroups } from '../../resources/security-groups.js';
import {
  BACKING_NODE_TYPE, backingBackupWindows, SERVERLESS_PORT, SERVERLESS_READER_PORT, backingGroupId, checkDailySnapshotTime, checkRetention,
  checkServerlessEngine, checkServerlessQuota, lockedTokenSha, normalizeServerlessCacheName, resolveUsageLimits,
} from '../../resources/serverless.js';
import { shardBounds } from '../../resources/serverless-scaling.js';
import { resolveSubnetIds, serverlessRestoreSource, serverlessUserGroup } from '../../resources/serverless-inputs.js';
import { tagOps } from '../../resources/tags.js';
import { attachmentOps } from '../../resources/user-groups.js';
import { mergeServerlessCache, serverlessCacheCreate, type ServerlessCacheSpec, type WriteOp } from '../../store/index.js';

/**
 * Creates a serverless cache: validates, then records in one commit the cache and its hidden
 * backing group (cluster mode, one shard of a primary and a replica in another AZ, node type
 * chosen by the service: resources/serverless.ts), and returns at once in `creating`. The
 * serverless controller (reconciler/serverless) starts the endpoint once the group is available.
 */
export default defineAction<CreateServerlessCacheRequest, CreateServerlessCacheResponse>(
  'CreateServerlessCache', async (input, svc) => {
    const name = normalizeServerlessCacheName(input.ServerlessCacheName);
    const result = await retryOnConflict(() => create(svc, name, input), {
      alreadyExists: (e) => (e.kind === 'serverlessCache' || e.kind === 'replicationGroup' || e.kind === 'cacheCluster')
        ? fault('ServerlessCacheAlreadyExistsFault', `Serverless cache ${name} already exists.`) : undefined,
    });
    svc.kick();
    return result;
  });

async function create(svc: Services, name: string, input: CreateServerlessCacheRequest): Promise<CreateServerlessCacheResponse> {
  checkServerlessEngine(input.Engine, input.MajorEngineVersion, true);
  if (input.NetworkType && input.NetworkType !== 'ipv4') {
    throw CommonErrors.invalidParameterValue(`NetworkType ${input.NetworkType} is not supported: endpoints are IPv4 loopback addresses.`);
  }
  const limits = resolveUsageLimits(input.CacheUsageLimits);
  const retention = checkRetention(input.SnapshotRetentionLimit) ?? 0;
  const dailySnapshotTime = checkDailySnapshotTime(input.DailySnapshotTime) ?? '04:00';
  if (input.Description !== undefined && input.Description.length > 255) {
    throw CommonErrors.invalidParameterValue('Description must be at most 255 characters long.');
  }
  if (await svc.store.get('serverlessCache', name)) throw fault('ServerlessCacheAlreadyExistsFault', `Serverless cache ${name} already exists.`);
  const restoreFrom = await serverlessRestoreSource(svc, input.SnapshotArnsToRestore);
  const securityGroupIds = [...new Set(input.SecurityGroupIds ?? [])];
  const sgGuards = await requireSecurityGroups(svc, securityGroupIds);
  const subnetIds = await resolveSubnetIds(svc, input.SubnetIds);
  const userGroup = await serverlessUserGroup(svc, input.UserGroupId);
  const kmsKey = input.KmsKeyId !== undefined ? await resolveKmsKey(svc, input.KmsKeyId) : undefined;
  const quota = await checkServerlessQuota(svc);
  const engine = resolveEngine('7', svc.engines);

  // The backing group: a customer's cluster-mode group as CreateReplicationGroup would make it.
  const groupId = backingGroupId(name);
  const request: CreateReplicationGroupMessage = {
    ReplicationGroupId: groupId,
    ReplicationGroupDescription: `Backing group of serverless cache ${name}`,
    CacheNodeType: BACKING_NODE_TYPE,
    EngineVersion: `${engine.major}.${engine.minor}`,
    CacheParameterGroupName: `default.${engine.family}.cluster.on`,
    // One shard, or as many as CacheUsageLimits' minimums need (pre-scaled; the autoscaler goes on from there).
    NumNodeGroups: shardBounds(svc.config.serverlessScaling, limits).min,
    ReplicasPerNodeGroup: 1,
    AutomaticFailoverEnabled: true,
    MultiAZEnabled: true,
    // Automatic backups of the cache are the backing group's (named as the cache's by the scheduler).
    SnapshotRetentionLimit: retention,
    SnapshotWindow: backingBackupWindows(dailySnapshotTime).snapshotWindow,
    PreferredMaintenanceWindow: backingBackupWindows(dailySnapshotTime).maintenanceWindow,
    // Restored from a serverless snapshot: the backing group loads it before it turns available.
    ...(restoreFrom ? { SnapshotName: restoreFrom } : {}),
  };
  const resolved = await resolveCreateSettings(svc, request);
  // The nodes' `default` user: the user group's when one is attached (RBAC, reconciler/acl.ts),
  // else locked by a token no one knows until the controller rotates it to the endpoint's login.
  if (!userGroup) resolved.settings.auth = { tokenSha256: [lockedTokenSha(name)], passwordless: false, lastModifiedDate: svc.now().toISOString(), version: 1 };
  const plan = await planShardedGroup(svc, groupId, request, resolved);
  if (userGroup) plan.group.userGroupIds = [userGroup.id];
  const groupOps = plan.ops.map((op): WriteOp => (op.op === 'create' && op.kind === 'replicationGroup' && userGroup
    ? { ...op, doc: { ...op.doc, userGroupIds: [userGroup.id] } } : op));

  const { addresses: [address], ops: addressOps } = await reserveAddresses(svc.store, svc.config.endpointCidr,
    [`serverlessCache:${name}:endpoint`], { highest: true });
  const now = svc.now();
  const spec: ServerlessCacheSpec = {
    name,
    arn: arn(svc.installation, 'serverlesscache', name),
    description: input.Description ?? '',
    createdAt: now.toISOString(),
    engine: 'redis',
    majorEngineVersion: String(engine.major),
    fullEngineVersion: `${engine.major}.${engine.minor}`,
    ...(limits ? { cacheUsageLimits: limits } : {}),
    ...(kmsKey ? { kmsKeyId: input.KmsKeyId } : {}),
    securityGroupIds,
    subnetIds,
    ...(userGroup ? { userGroupId: userGroup.id } : {}),
    snapshotRetentionLimit: retention,
    ...(input.SnapshotArnsToRestore?.length ? { snapshotArnsToRestore: [...input.SnapshotArnsToRestore] } : {}),
    dailySnapshotTime,
    endpoint: { address: address!, port: SERVERLESS_PORT },
    readerEndpoint: { address: address!, port: SERVERLESS_READER_PORT },
    backingGroupId: groupId,
    generation: 1,
  };
  const ops: WriteOp[] = [
    serverlessCacheCreate(spec),
    ...groupOps,
    ...addressOps,
    ...tagOps(spec.arn, input.Tags ?? []),
    ...(userGroup ? attachmentOps([userGroup], groupId, true) : []),
    ...sgGuards,
    quota,
  ];
  await svc.store.commit(ops);
  await svc.events.emit('serverless-cache', name, `Serverless cache ${name} is being created${restoreFrom ? ` from snapshot ${restoreFrom.slice('serverless--'.length)}` : ''}`);
  return { ServerlessCache: presentServerlessCache(mergeServerlessCache(spec, undefined)) };
}
