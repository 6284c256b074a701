import { CommonErrors, fault } from '../errors/index.js';
import type { Services } from '../core/index.js';
import { snapshotSpecWrite, type RestoreRequest, type SnapshotView, type Tag, type WriteOp } from '../store/index.js';
import { planPointInTimeRestore } from './point-in-time.js';
import { findSnapshot, requireSnapshot } from './snapshots.js';
import { isServerlessSnapshot } from './serverless-snapshots.js';
import type { TagInput } from './tags.js';

/**
 * The restore half of CreateReplicationGroup and CreateCacheCluster (SnapshotName, SnapshotArns):
 * checked as ElastiCache checks it, then recorded on the new group's spec; a snapshot restored
 * from holds the restore (it shows `restoring` and cannot be deleted until the data is loaded).
 */

export interface RestoreInput {
  SnapshotName?: string;
  SnapshotArns?: string[];
  /** The `cachefleet:restore-*` tags ask for a point-in-time restore (point-in-time.ts). */
  Tags?: TagInput[];
}

export interface RestorePlan {
  request: RestoreRequest;
  /** The snapshot restored from (SnapshotName). */
  snapshot?: SnapshotView;
}

/** `arn:aws:s3:::bucket/key` → bucket and key; undefined when it is not one. */
export function parseS3Arn(value: string): { bucket: string; key: string } | undefined {
  const m = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(value);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/**
 * Validates a restore into a new group or cluster. `target.clusterMode`: the new group has cluster
 * mode enabled; `target.slotsGiven`: its NodeGroupConfiguration gives every shard's slots.
 * Undefined when the request restores nothing.
 */
export async function planRestore(svc: Services, input: RestoreInput,
  target: { clusterMode: boolean; slotsGiven: boolean; what: string }): Promise<RestorePlan | undefined> {
  const arns = input.SnapshotArns ?? [];
  const name = input.SnapshotName;
  const pointInTime = await planPointInTimeRestore(svc, input.Tags as Tag[] | undefined,
    { clusterMode: target.clusterMode, what: target.what, otherSource: name !== undefined || arns.length > 0 });
  if (pointInTime) return { request: { pointInTime, requestedAt: svc.now().toISOString() } };
  if (name === undefined && arns.length === 0) return undefined;
  const requestedAt = svc.now().toISOString();
  if (name !== undefined && arns.length > 0) {
    throw CommonErrors.invalidParameterCombination('SnapshotName and SnapshotArns cannot both be given: seed from a snapshot or from RDB files, not both.');
  }
  if (name !== undefined) {
    // A serverless cache restores from its own snapshots (hidden names), which requireSnapshot leaves out.
    const snapshot = target.what === 'serverless cache' ? await requireServerlessRestoreSource(svc, name) : await requireSnapshot(svc, name);
    const s = snapshot.doc;
    if (s.deleteRequested || s.work.status !== 'available') {
      throw fault('InvalidSnapshotStateFault', `Snapshot ${s.name} is ${s.status}; a new ${target.what} can be restored only from an available snapshot.`);
    }
    if (s.config.clusterEnabled && !target.clusterMode) {
      throw CommonErrors.invalidParameterCombination(
        `Snapshot ${s.name} was taken from a cluster-mode-enabled replication group; it cannot be restored into a ${target.what} with cluster mode disabled.`);
    }
    return { request: { snapshotName: s.name, requestedAt }, snapshot };
  }
  for (const a of arns) {
    const parsed = parseS3Arn(a);
    if (!parsed || a.includes(',')) {
      throw CommonErrors.invalidParameterValue(
        `Invalid SnapshotArns value '${a}': name an RDB file in a bucket as arn:aws:s3:::bucket/key.rdb (no commas in the key).`);
    }
    if (!(await headObject(svc, parsed.bucket, parsed.key))) {
      throw CommonErrors.invalidParameterValue(`The S3 object ${parsed.key} does not exist in bucket ${parsed.bucket} (SnapshotArns ${a}).`);
    }
  }
  if (new Set(arns).size !== arns.length) throw CommonErrors.invalidParameterValue('SnapshotArns names the same RDB file more than once.');
  if (target.clusterMode && !target.slotsGiven) {
    throw CommonErrors.invalidParameterCombination('Slots must be provided when restoring from snapshot ARNs with cluster mode enabled.');
  }
  if (!target.clusterMode && arns.length > 1) {
    throw CommonErrors.invalidParameterCombination(
      `A ${target.what} with cluster mode disabled is seeded from one RDB file; SnapshotArns names ${arns.length}.`);
  }
  return { request: { snapshotArns: [...arns], requestedAt } };
}

/**
 * An object of a user bucket, or undefined when absent. A bucket name or object key the store
 * refuses (its InvalidBucketNameError, InvalidObjectKeyError) is the caller's mistake: said as an
 * InvalidParameterValue; any other failure (the S3 service unreachable) is the service's.
 */
export async function headObject(svc: Services, bucket: string, key: string): Promise<{ bytes: number } | undefined> {
  try {
    return await svc.backups.storage.bucket(bucket).head(key);
  } catch (e) {
    if (e instanceof Error && (e.name === 'InvalidBucketNameError' || e.name === 'InvalidObjectKeyError')) {
      throw CommonErrors.invalidParameterValue(e.message);
    }
    throw e;
  }
}

/** The op recording that `by` restores from the plan's snapshot (none for SnapshotArns). */
export function restoreHoldOps(plan: RestorePlan | undefined, by: string): WriteOp[] {
  const v = plan?.snapshot;
  if (!v) return [];
  const hold = { kind: 'restore' as const, by, requestedAt: plan.request.requestedAt };
  return snapshotSpecWrite(v, { ...v.spec, holds: [...(v.spec.holds ?? []), hold] });
}

/** " from snapshot x" or " from 2 RDB file(s) in S3", for creation events. */
export function restoreWords(r: Pick<RestoreRequest, 'snapshotName' | 'snapshotArns' | 'pointInTime'> | undefined): string {
  if (r?.pointInTime) return ` from the point-in-time archive of replication group ${r.pointInTime.sourceGroup} at ${r.pointInTime.time.replace('.000Z', 'Z')}`;
  if (r?.snapshotName) return ` from snapshot ${r.snapshotName}`;
  if (r?.snapshotArns?.length) return ` from ${r.snapshotArns.length} RDB file(s) in S3`;
  return '';
}

async function requireServerlessRestoreSource(svc: Services, name: string): Promise<SnapshotView> {
  const found = isServerlessSnapshot(name) ? await findSnapshot(svc, name) : undefined;
  if (!found) throw fault('ServerlessCacheSnapshotNotFoundFault', `Serverless cache snapshot ${name} not found.`);
  return found;
}
