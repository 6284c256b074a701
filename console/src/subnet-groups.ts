// What the Subnet groups page sends (pure: tested against the API's own decoder).
import type { Params } from './metric-queries.js';

export interface SubnetGroupValues { name: string; description: string; subnets: string }

/** Subnet ids as typed: separated by commas, spaces or lines. */
export function subnetIdsOf(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function subnetParams(p: Params, text: string): Params {
  subnetIdsOf(text).forEach((id, i) => { p[`SubnetIds.SubnetIdentifier.${i + 1}`] = id; });
  return p;
}

export function createSubnetGroupParams(v: SubnetGroupValues): Params {
  return subnetParams({ CacheSubnetGroupName: v.name.trim(), CacheSubnetGroupDescription: v.description.trim() || v.name.trim() }, v.subnets);
}

/** ModifyCacheSubnetGroup: the description and the full list of subnets (the API replaces the list). */
export function modifySubnetGroupParams(v: SubnetGroupValues): Params {
  return subnetParams({ CacheSubnetGroupName: v.name, CacheSubnetGroupDescription: v.description.trim() }, v.subnets);
}

export const SUBNET_GROUP_FIELDS = {
  name: ['CacheSubnetGroupName', 'CacheSubnetGroupAlreadyExistsFault', 'CacheSubnetGroupQuotaExceededFault'],
  description: ['CacheSubnetGroupDescription'],
  subnets: ['SubnetIds', 'Subnet', 'InvalidSubnet', 'CacheSubnetQuotaExceededFault', 'SubnetInUse'],
};
