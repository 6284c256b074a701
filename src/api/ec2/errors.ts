// EC2's error codes. The EC2 model lists no error shapes: its codes are documented strings
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), every client
// error a 400 except DryRunOperation (412). This is the hand-kept list of the ones served here.
import { AwsError } from '../../errors/index.js';
import type { ConflictError, Kind } from '../../store/index.js';

export const EC2_ERRORS = {
  DependencyViolation: 400,
  DryRunOperation: 412,
  InvalidAction: 400,
  'InvalidGroup.Duplicate': 400,
  'InvalidGroup.NotFound': 400,
  'InvalidGroup.Reserved': 400,
  'InvalidGroupId.Malformed': 400,
  InvalidID: 400,
  'InvalidIPAddress.InUse': 400,
  'InvalidNetworkInterfaceID.Malformed': 400,
  'InvalidNetworkInterfaceID.NotFound': 400,
  InvalidParameter: 400,
  InvalidParameterCombination: 400,
  InvalidParameterValue: 400,
  'InvalidPermission.Duplicate': 400,
  'InvalidPermission.NotFound': 400,
  'InvalidSecurityGroupRuleId.Malformed': 400,
  'InvalidSecurityGroupRuleId.NotFound': 400,
  'InvalidVpcID.Malformed': 400,
  MissingParameter: 400,
  RulesPerSecurityGroupLimitExceeded: 400,
  SecurityGroupsPerInterfaceLimitExceeded: 400,
  TagLimitExceeded: 400,
  UnknownParameter: 400,
  UnsupportedOperation: 400,
} as const;

export type Ec2ErrorCode = keyof typeof EC2_ERRORS;

export function ec2Error(code: Ec2ErrorCode, message: string): AwsError {
  return new AwsError(code, message, EC2_ERRORS[code], true);
}

/** The errors several actions share, worded as EC2 words them. */
export const Ec2Errors = {
  missingParameter: (name: string) => ec2Error('MissingParameter', `The request must contain the parameter ${name}`),
  invalidValue: (message: string) => ec2Error('InvalidParameterValue', message),
  groupNotFound: (id: string) => ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  groupNameNotFound: (name: string, vpcId: string) =>
    ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${vpcId}'`),
  groupIdMalformed: (id: string) => ec2Error('InvalidGroupId.Malformed', `Invalid id: "${clip(id)}" (expecting "sg-...")`),
  interfaceNotFound: (id: string) =>
    ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
  interfaceIdMalformed: (id: string) =>
    ec2Error('InvalidNetworkInterfaceID.Malformed', `Invalid id: "${clip(id)}" (expecting "eni-...")`),
  ruleNotFound: (id: string) =>
    ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`),
  ruleIdMalformed: (id: string) =>
    ec2Error('InvalidSecurityGroupRuleId.Malformed', `Invalid id: "${clip(id)}" (expecting "sgr-...")`),
  unsupported: (what: string) =>
    ec2Error('InvalidParameterValue', `${what} is not supported by cachefleet: its network is IPv4 on the loopback interface.`),
  dryRun: () => ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
} as const;

/**
 * The answer to a write that lost its race on a record every time it ran (see store.ts ec2Write):
 * EC2's RequestLimitExceeded, a 503 that botocore (its ec2 retry policy, and the standard retry
 * mode's throttling codes) and the JS SDK (THROTTLING_ERROR_CODES) retry with backoff.
 */
export function ec2ConflictFault(e: ConflictError): AwsError {
  const names: Partial<Record<Kind, string>> = { securityGroup: 'Security group', networkInterface: 'Network interface', claim: 'The claim on' };
  const what = names[e.kind] ?? e.kind;
  return new AwsError('RequestLimitExceeded',
    `${what} ${e.id} kept being changed by other requests while this request was applied; try again.`, 503, false, { cause: e });
}

/** Cuts a client value short for an error message. */
export function clip(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
