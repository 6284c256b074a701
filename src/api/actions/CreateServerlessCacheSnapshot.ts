import { fault, AwsError } from '../../errors/index.js';
import type { CreateServerlessCacheSnapshotRequest, CreateServerlessCacheSnapshotResponse } from '../model/shapes.js';
import { presentServerlessSnapshot } from '../present/serverless-cache.js';
import { defineAction } from './define.js';
import { requireServerlessCache } from './serverless-lookup.js';
import { retryOnConflict } from '../../resources/commit.js';
import { checkSnapshotQuota, groupSnapshotSpec } from '../../resources/snapshots.js';
import {
  findServerlessSnapshot, hiddenSnapshotName, normalizeServerlessSnapshotName, serverlessSnapshotArn,
} from '../../resources/serverless-snapshots.js';
import { tagOps } from '../../resources/tags.js';
import { getGroup, groupSpecWrite, mergeSnapshot, snapshotCreate } from '../../store/index.js';

/**
 * A manual snapshot of a serverless cache: a snapshot of its backing group under a hidden name
 * (resources/serverless-snapshots.ts), taken by the snapshot controller as any group's is.
 */
export default defineAction<CreateServerlessCacheSnapshotRequest, CreateServerlessCacheSnapshotResponse>(
  'CreateServerlessCacheSnapshot', async (input, svc) => {
    const name = normalizeServerlessSnapshotName('ServerlessCacheSnapshotName', input.ServerlessCacheSnapshotName);
    const snapshotArn = serverlessSnapshotArn(svc, name);
    const tags = tagOps(snapshotArn, input.Tags);
    const exists = () => fault('ServerlessCacheSnapshotAlreadyExistsFault', `Serverless cache snapshot ${name} already exists.`);
    const result = await retryOnConflict(async () => {
      const cache = await requireServerlessCache(svc, input.ServerlessCacheName);
      if (cache.doc.status !== 'available') {
        throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${cache.id} is ${cache.doc.status}; a snapshot can be taken only while it is available.`);
      }
      if (await findServerlessSnapshot(svc, name)) throw exists();
      const group = await getGroup(svc.store, cache.spec.backingGroupId);
      if (!group || group.doc.status !== 'available' || group.spec.snapshotting) {
        throw fault('InvalidServerlessCacheStateFault', `Serverless cache ${cache.id} is busy (a snapshot of it is being taken); try again when it ends.`);
      }
      const quota = await checkSnapshotQuota(svc).catch((e: unknown) => {
        throw e instanceof AwsError && e.code === 'SnapshotQuotaExceeded'
          ? fault('ServerlessCacheSnapshotQuotaExceededFault', e.message) : e;
      });
      const spec = { ...await groupSnapshotSpec(svc, group.doc, { name: hiddenSnapshotName(name), source: 'manual', kmsKeyId: input.KmsKeyId }), arn: snapshotArn };
      await svc.store.commit([snapshotCreate(spec), ...groupSpecWrite(group, { ...group.doc, snapshotting: spec.name }), ...tags, quota]);
      await svc.events.emit('serverless-cache-snapshot', name, `Serverless cache snapshot ${name} of serverless cache ${cache.id} is being created`);
      return { ServerlessCacheSnapshot: presentServerlessSnapshot(mergeSnapshot(spec, undefined), snapshotArn) };
    }, { alreadyExists: (e) => (e.kind === 'snapshot' ? exists() : undefined) });
    svc.kick();
    return result;
  });
