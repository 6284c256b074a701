import { CommonErrors } from '../errors/index.js';
import type { CacheSubnetGroupRecord, SubnetRecord } from '../store/index.js';

const AZ_LETTERS = 'abcdef';

/**
 * Subnet ids are free-form here (there is no VPC); each subnet of a group is given an
 * availability-zone label of the region in the order the subnets were listed: the first
 * subnet is in <region>a, the second in <region>b, and so on (wrapping after f).
 */
export function assignAvailabilityZones(region: string, subnetIds: string[]): SubnetRecord[] {
  return subnetIds.map((id, i) => ({ id, availabilityZone: `${region}${AZ_LETTERS[i % AZ_LETTERS.length]}` }));
}

export function availabilityZones(group: CacheSubnetGroupRecord): string[] {
  return [...new Set(group.subnets.map((s) => s.availabilityZone))];
}

/**
 * Chooses an AZ for each of `count` nodes: the preferred list when given (it must name one AZ
 * per node, each in the subnet group), else spread round-robin over the group's AZs, as
 * ElastiCache spreads a Multi-AZ group.
 */
export function placeNodes(group: CacheSubnetGroupRecord, count: number, preferred?: string[]): string[] {
  const zones = availabilityZones(group);
  if (zones.length === 0) {
    throw CommonErrors.invalidParameterValue(`Cache subnet group ${group.name} has no subnets.`);
  }
  if (preferred && preferred.length > 0) {
    if (preferred.length !== count) {
      throw CommonErrors.invalidParameterValue(
        `PreferredCacheClusterAZs names ${preferred.length} availability zones; it must name one for each of the ${count} cache clusters.`);
    }
    const unknown = preferred.find((az) => !zones.includes(az));
    if (unknown) {
      throw CommonErrors.invalidParameterValue(
        `Availability zone ${unknown} is not in cache subnet group ${group.name} (its zones: ${zones.join(', ')}).`);
    }
    return preferred;
  }
  return Array.from({ length: count }, (_, i) => zones[i % zones.length]!);
}
