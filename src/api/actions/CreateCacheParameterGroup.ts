import { CommonErrors, fault } from '../../errors/index.js';
import type { CreateCacheParameterGroupMessage, CreateCacheParameterGroupResult } from '../model/shapes.js';
import { presentParameterGroup } from '../present/parameter-group.js';
import { createRecords, retryOnConflict } from '../../resources/commit.js';
import { normalizeIdentifier } from '../../resources/naming.js';
import { MAX_PARAMETER_GROUPS, requireFamily } from '../../resources/parameter-groups.js';
import { tagOps } from '../../resources/tags.js';
import { arn } from '../../core/index.js';
import type { CacheParameterGroupRecord } from '../../store/index.js';
import { defineAction } from './define.js';

/** A new group holds no values of its own: it is the family defaults until modified. */
export default defineAction<CreateCacheParameterGroupMessage, CreateCacheParameterGroupResult>(
  'CreateCacheParameterGroup', async (input, svc) => retryOnConflict(async () => {
    if (input.CacheParameterGroupName.toLowerCase().startsWith('default.')) {
      throw CommonErrors.invalidParameterValue(
        `Invalid CacheParameterGroupName '${input.CacheParameterGroupName}': names starting with 'default.' are reserved for default parameter groups.`);
    }
    const name = normalizeIdentifier('CacheParameterGroupName', input.CacheParameterGroupName);
    requireFamily(input.CacheParameterGroupFamily);
    const group: CacheParameterGroupRecord = {
      name,
      arn: arn(svc.installation, 'parametergroup', name),
      family: input.CacheParameterGroupFamily,
      description: input.Description,
      isGlobal: false,
      builtIn: false,
      values: {},
      version: 1,
      createdAt: svc.now().toISOString(),
    };
    const ops = [{ op: 'create' as const, kind: 'cacheParameterGroup' as const, id: name, doc: group },
      ...tagOps(group.arn, input.Tags)];

    const alreadyExists = () => fault('CacheParameterGroupAlreadyExistsFault', `Cache parameter group ${name} already exists.`);
    const existing = await svc.store.list('cacheParameterGroup');
    if (existing.some((g) => g.id === name)) throw alreadyExists();
    const own = existing.filter((g) => !g.doc.builtIn).length;
    if (own >= MAX_PARAMETER_GROUPS) {
      throw fault('CacheParameterGroupQuotaExceededFault',
        `You already have ${own} cache parameter groups, the most allowed (${MAX_PARAMETER_GROUPS}). Delete one first.`);
    }
    await createRecords(svc.store, ops, 'cacheParameterGroup', alreadyExists);
    return { CacheParameterGroup: presentParameterGroup(group) };
  }));
