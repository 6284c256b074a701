import { fault } from '../../errors/index.js';
import type { ModifyCacheSubnetGroupMessage, ModifyCacheSubnetGroupResult } from '../model/shapes.js';
import { presentSubnetGroup } from '../present/subnet-group.js';
import { retryOnConflict } from '../../resources/commit.js';
import { requireSubnetGroup } from '../../resources/lookups.js';
import { assignAvailabilityZones } from '../../resources/placement.js';
import { validateSubnetIds } from '../../resources/subnet-groups.js';
import type { CacheSubnetGroupRecord } from '../../store/index.js';
import type { Services } from '../../core/index.js';
import { defineAction } from './define.js';

/**
 * Changes the description and/or replaces the subnet list. Subnets get their availability zones
 * by position as on create; a new list must keep every zone a cache node of the group is in
 * (SubnetInUse otherwise), since nodes cannot move.
 */
export default defineAction<ModifyCacheSubnetGroupMessage, ModifyCacheSubnetGroupResult>(
  'ModifyCacheSubnetGroup', async (input, svc) => {
    const subnetIds = input.SubnetIds === undefined ? undefined : validateSubnetIds(input.SubnetIds);
    return retryOnConflict(async () => {
      const current = await requireSubnetGroup(svc, input.CacheSubnetGroupName);
      const group: CacheSubnetGroupRecord = { ...current.doc };
      if (input.CacheSubnetGroupDescription !== undefined) group.description = input.CacheSubnetGroupDescription;
      if (subnetIds) {
        group.subnets = assignAvailabilityZones(svc.installation.region, subnetIds);
        await checkZonesKept(svc, group);
      }
      await svc.store.commit([
        { op: 'update', kind: 'cacheSubnetGroup', id: current.id, doc: group, expectVersion: current.version }]);
      return { CacheSubnetGroup: presentSubnetGroup(group) };
    });
  });

async function checkZonesKept(svc: Services, group: CacheSubnetGroupRecord): Promise<void> {
  const zones = new Set(group.subnets.map((s) => s.availabilityZone));
  for (const { doc: cluster } of await svc.store.list('cacheCluster')) {
    if (cluster.cacheSubnetGroupName.toLowerCase() !== group.name) continue;
    const used = [cluster.preferredAvailabilityZone, ...cluster.nodes.map((n) => n.availabilityZone)];
    const lost = used.find((az) => az && !zones.has(az));
    if (lost) {
      throw fault('SubnetInUse',
        `Cache cluster ${cluster.id} has nodes in ${lost}; the new subnet list of cache subnet group ` +
        `${group.name} leaves no subnet there (zones: ${[...zones].join(', ')}).`);
    }
  }
}
