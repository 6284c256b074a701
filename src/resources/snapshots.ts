import { fault } from '../errors/index.js';
import type { Services } from '../core/index.js';
import {
  getSnapshot, type WriteOp, type CacheClusterRecord, type CacheSettings, type KmsKeyRecord, type ReplicationGroupRecord, type SnapshotSpec, type SnapshotView,
} from '../store/index.js';
import { resolveKmsKey } from './kms.js';
import { memberClusters } from './lookups.js';
import { snapshotNameKey } from './naming.js';
import { isServerlessSnapshot } from './serverless-snapshots.js';
import { clusterSourceConfig, groupSourceConfig, newSnapshotSpec, snapshottingMember } from './snapshot-source.js';

/** Reads and checks shared by the snapshot actions, the restores and the final snapshots of deletes. */

export async function findSnapshot(svc: Services, name: string): Promise<SnapshotView | undefined> {
  return getSnapshot(svc.store, snapshotNameKey(name));
}

export async function requireSnapshot(svc: Services, name: string): Promise<SnapshotView> {
  const found = await findSnapshot(svc, name);
  // A serverless cache's snapshots (hidden names, serverless-snapshots.ts) are not the snapshot actions'.
  if (!found || isServerlessSnapshot(found.id)) throw fault('SnapshotNotFoundFault', `Snapshot ${name} not found.`);
  return found;
}

/** A new snapshot's name must be free. */
export async function requireSnapshotNameFree(svc: Services, name: string): Promise<void> {
  if (await findSnapshot(svc, name)) throw fault('SnapshotAlreadyExistsFault', `Snapshot ${name} already exists.`);
}

/** The claim every snapshot create rewrites, so that two creates counting at once cannot both pass the quota. */
export const SNAPSHOT_QUOTA_CLAIM = 'quota:snapshot';

/**
 * The installation keeps at most `snapshotQuota` snapshots (ServiceConfig, `--snapshot-quota`).
 * Returns the write to commit with the new snapshot: it rewrites the quota claim at the version read
 * before counting, so of two creates that counted the same snapshots one loses its commit (and runs
 * again under retryOnConflict, counting the other's snapshot): the quota is never passed, even by one.
 */
export async function checkSnapshotQuota(svc: Services, adding = 1): Promise<WriteOp> {
  const quota = svc.config.snapshotQuota;
  const guard = await svc.store.get('claim', SNAPSHOT_QUOTA_CLAIM);
  const count = (await svc.store.list('snapshot')).length;
  if (count + adding > quota) {
    throw fault('SnapshotQuotaExceededFault',
      `The request cannot be processed because it would exceed the maximum number of snapshots: this service keeps at most ${quota} and has ${count}. Delete snapshots you no longer need.`);
  }
  const doc = { holder: 'snapshot:quota' };
  return guard
    ? { op: 'update', kind: 'claim', id: SNAPSHOT_QUOTA_CLAIM, doc, expectVersion: guard.version }
    : { op: 'create', kind: 'claim', id: SNAPSHOT_QUOTA_CLAIM, doc };
}

/**
 * The key a new snapshot of `source` is encrypted with: the KmsKeyId given, else the source's own
 * key when it is encrypted at rest; none for a source without encryption at rest and no KmsKeyId.
 */
export async function snapshotKey(svc: Services, source: CacheSettings, kmsKeyId: string | undefined): Promise<KmsKeyRecord | undefined> {
  if (kmsKeyId !== undefined && kmsKeyId !== '') return resolveKmsKey(svc, kmsKeyId);
  if (!source.atRestEncryptionEnabled) return undefined;
  return source.kmsKey ?? resolveKmsKey(svc, undefined);
}

/** The spec of a new snapshot of a replication group (a final one is taken from the primary). */
export async function groupSnapshotSpec(svc: Services, g: ReplicationGroupRecord, o: {
  name: string; source: 'manual' | 'automated'; final?: boolean; kmsKeyId?: string | undefined;
}): Promise<SnapshotSpec> {
  const members = await memberClusters(svc, g);
  const from = g.clusterEnabled || members.length === 0 ? undefined : snapshottingMember(g, members, o.final ?? false);
  return newSnapshotSpec(svc, {
    name: o.name, source: o.source, config: await groupSourceConfig(svc, g, members, from),
    origin: { kind: 'capture', fromPrimary: o.final ?? false, ...(from ? { snapshottingClusterId: from.id } : {}) },
    kmsKey: await snapshotKey(svc, g, o.kmsKeyId), final: o.final ?? false,
  });
}

/** The spec of a new snapshot of a standalone cache cluster. */
export async function clusterSnapshotSpec(svc: Services, c: CacheClusterRecord, o: {
  name: string; source: 'manual' | 'automated'; final?: boolean; kmsKeyId?: string | undefined;
}): Promise<SnapshotSpec> {
  return newSnapshotSpec(svc, {
    name: o.name, source: o.source, config: await clusterSourceConfig(svc, c),
    origin: { kind: 'capture', fromPrimary: true, snapshottingClusterId: c.id },
    kmsKey: await snapshotKey(svc, c, o.kmsKeyId), final: o.final ?? false,
  });
}
