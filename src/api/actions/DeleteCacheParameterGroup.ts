import { fault } from '../../errors/index.js';
import type { DeleteCacheParameterGroupMessage } from '../model/shapes.js';
import { retryOnConflict } from '../../resources/commit.js';
import { describeUsers, groupUsers, requireParameterGroup } from '../../resources/lookups.js';
import { assertNotBuiltIn } from '../../resources/parameter-groups.js';
import { deleteTagOps } from '../../resources/tags.js';
import { defineAction } from './define.js';

/** Deletes a customer group that no cache cluster uses, with its tags. */
export default defineAction<DeleteCacheParameterGroupMessage, void>('DeleteCacheParameterGroup', async (input, svc) =>
  retryOnConflict(async () => {
    const current = await requireParameterGroup(svc, input.CacheParameterGroupName);
    assertNotBuiltIn(current.doc, 'deleted');
    const users = describeUsers(await groupUsers(svc, 'cacheParameterGroupName', current.id));
    if (users) {
      throw fault('InvalidCacheParameterGroupStateFault', `Cache parameter group ${current.id} is in use by ${users}.`);
    }
    await svc.store.commit([
      { op: 'delete', kind: 'cacheParameterGroup', id: current.id, expectVersion: current.version },
      ...await deleteTagOps(svc.store, current.doc.arn)]);
  }));
