import { CommonErrors, fault } from '../../errors/index.js';
import type { CopySnapshotMessage, CopySnapshotResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentSnapshot } from '../present/snapshot.js';
import { retryOnConflict } from '../../resources/commit.js';
import { resolveKmsKey } from '../../resources/kms.js';
import { headObject } from '../../resources/restore.js';
import { normalizeSnapshotName } from '../../resources/naming.js';
import { newSnapshotSpec } from '../../resources/snapshot-source.js';
import { checkSnapshotQuota, requireSnapshot, requireSnapshotNameFree } from '../../resources/snapshots.js';
import { tagOps } from '../../resources/tags.js';
import { arn, type Services } from '../../core/index.js';
import { exportObjectKeys } from '../../snapshots/export-keys.js';
import { mergeSnapshot, snapshotCreate, snapshotSpecWrite, type SnapshotView } from '../../store/index.js';

/** S3's bucket naming rules (3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A copy of an available snapshot: a new manual snapshot kept by the service (encrypted with
 * KmsKeyId when given, else as the source is), or, with TargetBucket, an export of its RDB files
 * to a bucket as `<TargetSnapshotName>-0001.rdb`, … one per shard. The source shows `copying`
 * until the controller has written the copy.
 */
export default defineAction<CopySnapshotMessage, CopySnapshotResult>('CopySnapshot', async (input, svc) => {
  const target = normalizeSnapshotName('TargetSnapshotName', input.TargetSnapshotName);
  tagOps(arn(svc.installation, 'snapshot', target), input.Tags); // the tags are checked before anything else
  const result = await retryOnConflict(async () => {
    const source = await requireSnapshot(svc, input.SourceSnapshotName);
    const s = source.doc;
    if (s.deleteRequested || s.work.status !== 'available') {
      throw fault('InvalidSnapshotStateFault', `Snapshot ${s.name} is ${s.status}; only an available snapshot can be copied.`);
    }
    return input.TargetBucket !== undefined ? exportTo(svc, source, target, input) : copyTo(svc, source, target, input);
  }, { alreadyExists: (e) => (e.kind === 'snapshot' ? fault('SnapshotAlreadyExistsFault', `Snapshot ${target} already exists.`) : undefined) });
  svc.kick();
  return result;
});

async function copyTo(svc: Services, source: SnapshotView, target: string, input: CopySnapshotMessage): Promise<CopySnapshotResult> {
  await requireSnapshotNameFree(svc, target);
  const quota = await checkSnapshotQuota(svc);
  const kmsKey = input.KmsKeyId !== undefined ? await resolveKmsKey(svc, input.KmsKeyId) : source.spec.kmsKey;
  const spec = newSnapshotSpec(svc, {
    name: target, source: 'manual', config: source.spec.config, origin: { kind: 'copy', sourceSnapshot: source.spec.name },
    ...(kmsKey ? { kmsKey } : {}),
  });
  const hold = { kind: 'copy' as const, by: target, requestedAt: spec.createdAt };
  await svc.store.commit([
    snapshotCreate(spec),
    ...snapshotSpecWrite(source, { ...source.spec, holds: [...(source.spec.holds ?? []), hold] }),
    ...tagOps(spec.arn, input.Tags),
    quota,
  ]);
  return { Snapshot: presentSnapshot(mergeSnapshot(spec, undefined)) };
}

async function exportTo(svc: Services, source: SnapshotView, target: string, input: CopySnapshotMessage): Promise<CopySnapshotResult> {
  const bucket = input.TargetBucket!;
  if (!BUCKET.test(bucket)) {
    throw CommonErrors.invalidParameterValue(`Invalid TargetBucket '${bucket}': a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens.`);
  }
  if (input.KmsKeyId !== undefined || input.Tags?.length) {
    throw CommonErrors.invalidParameterCombination(
      'KmsKeyId and Tags apply to a copy kept by the service; an export to TargetBucket writes RDB files, encrypted as the snapshot is.');
  }
  const keys = exportObjectKeys(target, source.spec.config.shards.length);
  const pending = source.spec.holds?.some((h) => h.kind === 'export' && h.bucket === bucket && h.by === target);
  for (const key of keys) {
    if (pending || (await headObject(svc, bucket, key))) {
      throw CommonErrors.invalidParameterValue(`The S3 bucket ${bucket} already contains an object with key ${key}.`);
    }
  }
  const hold = { kind: 'export' as const, by: target, bucket, requestedAt: svc.now().toISOString() };
  const next = { ...source.spec, holds: [...(source.spec.holds ?? []), hold] };
  await svc.store.commit(snapshotSpecWrite(source, next));
  return { Snapshot: presentSnapshot(mergeSnapshot(next, source.status)) };
}
