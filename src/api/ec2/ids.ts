// EC2 resource ids: a prefix and 17 lowercase hex digits (older resources have 8, still valid).
import { randomBytes } from 'node:crypto';
import { vpcIdFor } from '../../resources/subnet-groups.js';
import type { InstallationRecord } from '../../store/index.js';
import { Ec2Errors } from './errors.js';

export type IdPrefix = 'sg' | 'eni' | 'sgr';

export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

const FORMATS: Record<IdPrefix, RegExp> = {
  sg: /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  eni: /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  sgr: /^sgr-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
};

export function isId(prefix: IdPrefix, id: string): boolean {
  return FORMATS[prefix].test(id);
}

/** The group id, or InvalidGroupId.Malformed. */
export function checkGroupId(id: string): string {
  if (!isId('sg', id)) throw Ec2Errors.groupIdMalformed(id);
  return id;
}

export function checkInterfaceId(id: string): string {
  if (!isId('eni', id)) throw Ec2Errors.interfaceIdMalformed(id);
  return id;
}

export function checkRuleId(id: string): string {
  if (!isId('sgr', id)) throw Ec2Errors.ruleIdMalformed(id);
  return id;
}

/**
 * The installation's one VPC: groups created without --vpc-id are in it, and it is the VPC of
 * every cache subnet group (the same id DescribeCacheSubnetGroups shows).
 */
export function defaultVpcId(installation: InstallationRecord): string {
  return vpcIdFor(installation);
}

export function securityGroupArn(installation: InstallationRecord, groupId: string): string {
  return `arn:aws:ec2:${installation.region}:${installation.accountId}:security-group/${groupId}`;
}

export function securityGroupRuleArn(installation: InstallationRecord, ruleId: string): string {
  return `arn:aws:ec2:${installation.region}:${installation.accountId}:security-group-rule/${ruleId}`;
}
