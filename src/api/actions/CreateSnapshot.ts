import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateSnapshotMessage, CreateSnapshotResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentSnapshot } from '../present/snapshot.js';
import { retryOnConflict } from '../../resources/commit.js';
import { requireCacheCluster, requireReplicationGroup } from '../../resources/lookups.js';
import { normalizeSnapshotName } from '../../resources/naming.js';
import {
  checkSnapshotQuota, clusterSnapshotSpec, groupSnapshotSpec, requireSnapshotNameFree,
} from '../../resources/snapshots.js';
import { tagOps } from '../../resources/tags.js';
import { arn, type Services } from '../../core/index.js';
import { clusterSpecWrite, groupSpecWrite, mergeSnapshot, snapshotCreate, type GroupView, type SnapshotSpec, type WriteOp } from '../../store/index.js';

/**
 * A manual snapshot of a replication group (cluster mode on or off) or of a cache cluster. The
 * snapshot is recorded `creating` and its source shows `snapshotting` in the same commit; the
 * snapshot controller takes the data (reconciler/backups).
 */
export default defineAction<CreateSnapshotMessage, CreateSnapshotResult>('CreateSnapshot', async (input, svc) => {
  const name = normalizeSnapshotName('SnapshotName', input.SnapshotName);
  if (input.ReplicationGroupId && input.CacheClusterId) {
    throw CommonErrors.invalidParameterCombination('Give either ReplicationGroupId or CacheClusterId, not both.');
  }
  if (!input.ReplicationGroupId && !input.CacheClusterId) {
    throw CommonErrors.invalidParameterCombination('A snapshot needs a source: give ReplicationGroupId or CacheClusterId.');
  }
  const tags = tagOps(arn(svc.installation, 'snapshot', name), input.Tags);
  const result = await retryOnConflict(async () => {
    await requireSnapshotNameFree(svc, name);
    const { spec, ops } = input.ReplicationGroupId
      ? await ofGroup(svc, await requireReplicationGroup(svc, input.ReplicationGroupId), name, input.KmsKeyId)
      : await ofCluster(svc, input.CacheClusterId!, name, input.KmsKeyId);
    const quota = await checkSnapshotQuota(svc);
    await svc.store.commit([snapshotCreate(spec), ...ops, ...tags, quota]);
    return { Snapshot: presentSnapshot(mergeSnapshot(spec, undefined)) };
  }, { alreadyExists: (e) => (e.kind === 'snapshot' ? fault('SnapshotAlreadyExistsFault', `Snapshot ${name} already exists.`) : undefined) });
  svc.kick();
  return result;
});

/** A group's snapshot (taken from `from` when a cluster-mode-disabled member is named). */
async function ofGroup(svc: Services, view: GroupView, name: string, kmsKeyId: string | undefined, from?: string): Promise<{ spec: SnapshotSpec; ops: WriteOp[] }> {
  const g = view.doc;
  if (g.status !== 'available') {
    throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${g.status}; a snapshot can be taken only while it is available.`);
  }
  const spec = await groupSnapshotSpec(svc, from ? { ...g, snapshottingClusterId: from } : g, { name, source: 'manual', kmsKeyId });
  return { spec, ops: groupSpecWrite(view, { ...g, snapshotting: name }) };
}

async function ofCluster(svc: Services, id: string, name: string, kmsKeyId: string | undefined): Promise<{ spec: SnapshotSpec; ops: WriteOp[] }> {
  const view = await requireCacheCluster(svc, id);
  const c = view.doc;
  if (c.replicationGroupId) {
    const group = await requireReplicationGroup(svc, c.replicationGroupId);
    if (group.doc.clusterEnabled) {
      throw CommonErrors.invalidParameterValue(
        `Cache cluster ${c.id} is a member of ${group.id}, which has cluster mode enabled: such a group is backed up as a whole, with ReplicationGroupId ${group.id}.`);
    }
    // A member of a cluster-mode-disabled group: the group's data, taken from this member.
    return ofGroup(svc, group, name, kmsKeyId, c.id);
  }
  if (c.status !== 'available') {
    throw fault('InvalidCacheClusterStateFault', `Cache cluster ${c.id} is ${c.status}; a snapshot can be taken only while it is available.`);
  }
  const spec = await clusterSnapshotSpec(svc, c, { name, source: 'manual', kmsKeyId });
  return { spec, ops: clusterSpecWrite(view, { ...c, snapshotting: name }) };
}
