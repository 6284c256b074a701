import { fault } from '../../errors/index.js';
import type { CopyServerlessCacheSnapshotRequest, CopyServerlessCacheSnapshotResponse } from '../model/shapes.js';
import { presentServerlessSnapshot } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { retryOnConflict } from '../../resources/commit.js';
import { resolveKmsKey } from '../../resources/kms.js';
import { newSnapshotSpec } from '../../resources/snapshot-source.js';
import { checkSnapshotQuota } from '../../resources/snapshots.js';
import {
  findServerlessSnapshot, hiddenSnapshotName, normalizeServerlessSnapshotName, requireServerlessSnapshot, serverlessSnapshotArn,
} from '../../resources/serverless-snapshots.js';
import { tagOps } from '../../resources/tags.js';
import { mergeSnapshot, snapshotCreate, snapshotSpecWrite } from '../../store/index.js';

/** A copy of an available serverless cache snapshot, kept by the service (as CopySnapshot copies, resources/serverless-snapshots.ts). */
export default defineAction<CopyServerlessCacheSnapshotRequest, CopyServerlessCacheSnapshotResponse>(
  'CopyServerlessCacheSnapshot', async (input, svc) => {
    const target = normalizeServerlessSnapshotName('TargetServerlessCacheSnapshotName', input.TargetServerlessCacheSnapshotName);
    const targetArn = serverlessSnapshotArn(svc, target);
    const tags = tagOps(targetArn, input.Tags);
    const exists = () => fault('ServerlessCacheSnapshotAlreadyExistsFault', `Serverless cache snapshot ${target} already exists.`);
    const result = await retryOnConflict(async () => {
      const source = await requireServerlessSnapshot(svc, input.SourceServerlessCacheSnapshotName);
      if (source.doc.deleteRequested || source.doc.work.status !== 'available') {
        throw fault('InvalidServerlessCacheSnapshotStateFault',
          `Serverless cache snapshot ${input.SourceServerlessCacheSnapshotName} is ${source.doc.status}; only an available snapshot can be copied.`);
      }
      if (await findServerlessSnapshot(svc, target)) throw exists();
      const quota = await checkSnapshotQuota(svc);
      const kmsKey = input.KmsKeyId !== undefined ? await resolveKmsKey(svc, input.KmsKeyId) : source.spec.kmsKey;
      const spec = {
        ...newSnapshotSpec(svc, {
          name: hiddenSnapshotName(target), source: 'manual', config: source.spec.config, origin: { kind: 'copy', sourceSnapshot: source.spec.name },
          ...(kmsKey ? { kmsKey } : {}),
        }),
        arn: targetArn,
      };
      const hold = { kind: 'copy' as const, by: spec.name, requestedAt: spec.createdAt };
      await svc.store.commit([
        snapshotCreate(spec), ...snapshotSpecWrite(source, { ...source.spec, holds: [...(source.spec.holds ?? []), hold] }), ...tags, quota,
      ]);
      await svc.events.emit('serverless-cache-snapshot', target, `Serverless cache snapshot ${target} is being copied from ${input.SourceServerlessCacheSnapshotName}`);
      return { ServerlessCacheSnapshot: presentServerlessSnapshot(mergeSnapshot(spec, undefined), targetArn) };
    }, { alreadyExists: (e) => (e.kind === 'snapshot' ? exists() : undefined) });
    svc.kick();
    return result;
  });
