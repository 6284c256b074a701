import { fault } from '../../errors/index.js';
import type { CreateCacheSubnetGroupMessage, CreateCacheSubnetGroupResult } from '../model/shapes.js';
import { presentSubnetGroup } from '../present/subnet-group.js';
import { createRecords, retryOnConflict } from '../../resources/commit.js';
import { normalizeSubnetGroupName } from '../../resources/naming.js';
import { MAX_SUBNET_GROUPS, newSubnetGroupRecord, validateSubnetIds } from '../../resources/subnet-groups.js';
import { tagOps } from '../../resources/tags.js';
import { defineAction } from './define.js';

export default defineAction<CreateCacheSubnetGroupMessage, CreateCacheSubnetGroupResult>(
  'CreateCacheSubnetGroup', async (input, svc) => retryOnConflict(async () => {
    const name = normalizeSubnetGroupName(input.CacheSubnetGroupName);
    const subnetIds = validateSubnetIds(input.SubnetIds);
    const group = newSubnetGroupRecord(svc.installation, name, input.CacheSubnetGroupDescription, subnetIds, svc.now());
    const ops = [{ op: 'create' as const, kind: 'cacheSubnetGroup' as const, id: name, doc: group },
      ...tagOps(group.arn, input.Tags)];

    const alreadyExists = () => fault('CacheSubnetGroupAlreadyExistsFault', `Cache subnet group ${name} already exists.`);
    const existing = await svc.store.list('cacheSubnetGroup');
    if (existing.some((g) => g.id === name)) throw alreadyExists();
    if (existing.length >= MAX_SUBNET_GROUPS) {
      throw fault('CacheSubnetGroupQuotaExceededFault',
        `You already have ${existing.length} cache subnet groups, the most allowed (${MAX_SUBNET_GROUPS}). Delete one first.`);
    }
    await createRecords(svc.store, ops, 'cacheSubnetGroup', alreadyExists);
    return { CacheSubnetGroup: presentSubnetGroup(group) };
  }));
