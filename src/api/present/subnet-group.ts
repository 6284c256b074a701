import type { CacheSubnetGroupRecord } from '../../store/index.js';
import type { CacheSubnetGroup } from '../model/shapes.js';

/** A subnet group record as the API shows it. Only IPv4 exists here (no dual-stack networking). */
export function presentSubnetGroup(group: CacheSubnetGroupRecord): CacheSubnetGroup {
  return {
    CacheSubnetGroupName: group.name,
    CacheSubnetGroupDescription: group.description,
    VpcId: group.vpcId,
    Subnets: group.subnets.map((s) => ({
      SubnetIdentifier: s.id,
      SubnetAvailabilityZone: { Name: s.availabilityZone },
      SupportedNetworkTypes: ['ipv4'],
    })),
    ARN: group.arn,
    SupportedNetworkTypes: ['ipv4'],
  };
}
