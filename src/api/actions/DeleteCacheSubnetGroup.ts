import { CommonErrors, fault } from '../../errors/index.js';
import type { DeleteCacheSubnetGroupMessage } from '../model/shapes.js';
import { retryOnConflict } from '../../resources/commit.js';
import { describeUsers, groupUsers, requireSubnetGroup } from '../../resources/lookups.js';
import { DEFAULT_SUBNET_GROUP } from '../../resources/subnet-groups.js';
import { deleteTagOps } from '../../resources/tags.js';
import { defineAction } from './define.js';

/** Deletes a subnet group no cache cluster uses, with its tags. */
export default defineAction<DeleteCacheSubnetGroupMessage, void>('DeleteCacheSubnetGroup', async (input, svc) =>
  retryOnConflict(async () => {
    const current = await requireSubnetGroup(svc, input.CacheSubnetGroupName);
    if (current.id === DEFAULT_SUBNET_GROUP) {
      throw CommonErrors.invalidParameterValue(`The default cache subnet group cannot be deleted.`);
    }
    const users = describeUsers(await groupUsers(svc, 'cacheSubnetGroupName', current.id));
    if (users) throw fault('CacheSubnetGroupInUse', `Cache subnet group ${current.id} is in use by ${users}.`);
    await svc.store.commit([
      { op: 'delete', kind: 'cacheSubnetGroup', id: current.id, expectVersion: current.version },
      ...await deleteTagOps(svc.store, current.doc.arn)]);
  }));
