import { createHash } from 'node:crypto';
import { CommonErrors, fault } from '../errors/index.js';
import { arn } from '../core/index.js';
import type { CacheSubnetGroupRecord, InstallationRecord } from '../store/index.js';
import { assignAvailabilityZones } from './placement.js';

/** ElastiCache's default quotas: 20 subnets per subnet group, 50 subnet groups per region. */
export const MAX_SUBNETS_PER_GROUP = 20;
export const MAX_SUBNET_GROUPS = 50;
/** The subnet group an account with a default VPC has; created at start, never deleted. */
export const DEFAULT_SUBNET_GROUP = 'default';

/**
 * There is no VPC: every subnet group reports the same stable fake VPC id, derived from the
 * account id so two installations do not show the same one.
 */
export function vpcIdFor(installation: InstallationRecord): string {
  return 'vpc-' + createHash('sha256').update(installation.accountId).digest('hex').slice(0, 8);
}

/** Checks the SubnetIds of a create or modify: at least one, no duplicates, within the quota. */
export function validateSubnetIds(subnetIds: string[]): string[] {
  if (subnetIds.length === 0) {
    throw CommonErrors.invalidParameterValue('A cache subnet group needs at least one subnet (SubnetIds is empty).');
  }
  const bad = subnetIds.find((id) => !/^[A-Za-z0-9._:-]{1,255}$/.test(id));
  if (bad !== undefined) {
    throw fault('InvalidSubnet',
      `Subnet id '${bad}' is invalid: use 1 to 255 letters, digits, periods, underscores, colons or hyphens.`);
  }
  const dup = subnetIds.find((id, i) => subnetIds.indexOf(id) !== i);
  if (dup !== undefined) {
    throw CommonErrors.invalidParameterValue(`Subnet ${dup} is listed more than once in SubnetIds.`);
  }
  if (subnetIds.length > MAX_SUBNETS_PER_GROUP) {
    throw fault('CacheSubnetQuotaExceededFault',
      `A cache subnet group can have at most ${MAX_SUBNETS_PER_GROUP} subnets; ${subnetIds.length} were given.`);
  }
  return subnetIds;
}

export function newSubnetGroupRecord(installation: InstallationRecord, name: string, description: string,
  subnetIds: string[], now: Date): CacheSubnetGroupRecord {
  return {
    name,
    arn: arn(installation, 'subnetgroup', name),
    description,
    vpcId: vpcIdFor(installation),
    subnets: assignAvailabilityZones(installation.region, subnetIds),
    createdAt: now.toISOString(),
  };
}
