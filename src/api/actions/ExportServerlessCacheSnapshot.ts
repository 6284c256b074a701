import { CommonErrors, fault } from '../../errors/index.js';
import type { ExportServerlessCacheSnapshotRequest, ExportServerlessCacheSnapshotResponse } from '../model/shapes.js';
import { presentServerlessSnapshot } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { retryOnConflict } from '../../resources/commit.js';
import { headObject } from '../../resources/restore.js';
import { requireServerlessSnapshot, serverlessSnapshotArn, serverlessSnapshotName } from '../../resources/serverless-snapshots.js';
import { exportObjectKeys } from '../../snapshots/export-keys.js';
import { mergeSnapshot, snapshotSpecWrite } from '../../store/index.js';

/** S3's bucket naming rules (as CopySnapshot checks TargetBucket). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Exports an available serverless cache snapshot's RDB files to a bucket, `<name>-0001.rdb`, … one
 * per shard, as CopySnapshot with TargetBucket exports a snapshot; the snapshot shows `copying` meanwhile.
 */
export default defineAction<ExportServerlessCacheSnapshotRequest, ExportServerlessCacheSnapshotResponse>(
  'ExportServerlessCacheSnapshot', async (input, svc) => {
    const bucket = input.S3BucketName;
    if (!BUCKET.test(bucket ?? '')) {
      throw CommonErrors.invalidParameterValue(`Invalid S3BucketName '${bucket}': a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens.`);
    }
    const result = await retryOnConflict(async () => {
      const source = await requireServerlessSnapshot(svc, input.ServerlessCacheSnapshotName);
      const name = serverlessSnapshotName(source.spec.name);
      if (source.doc.deleteRequested || source.doc.work.status !== 'available') {
        throw fault('InvalidServerlessCacheSnapshotStateFault', `Serverless cache snapshot ${name} is ${source.doc.status}; only an available snapshot can be exported.`);
      }
      const keys = exportObjectKeys(name, source.spec.config.shards.length);
      const pending = source.spec.holds?.some((h) => h.kind === 'export' && h.bucket === bucket && h.by === name);
      for (const key of keys) {
        if (pending || (await headObject(svc, bucket, key))) {
          throw CommonErrors.invalidParameterValue(`The S3 bucket ${bucket} already contains an object with key ${key}.`);
        }
      }
      const next = { ...source.spec, holds: [...(source.spec.holds ?? []), { kind: 'export' as const, by: name, bucket, requestedAt: svc.now().toISOString() }] };
      await svc.store.commit(snapshotSpecWrite(source, next));
      return { ServerlessCacheSnapshot: presentServerlessSnapshot(mergeSnapshot(next, source.status), serverlessSnapshotArn(svc, name)) };
    });
    svc.kick();
    return result;
  });
