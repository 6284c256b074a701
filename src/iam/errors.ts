// IAM's errors: the model's (src/iam/faults.ts, generated) plus the ones every IAM call can get
// that the model does not list (ValidationError for input that breaks a shape's constraints,
// AccessDenied for a call no policy allows), worded as IAM words them.
import { AwsError } from '../errors/index.js';
import { IAM_FAULTS, type IamFaultName } from './faults.js';

export function iamFault(name: IamFaultName, message: string): AwsError {
  const f = IAM_FAULTS[name];
  return new AwsError(f.code, message, f.httpStatus, f.senderFault);
}

export const IamErrors = {
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  noSuchUser: (name: string) => iamFault('NoSuchEntityException', `The user with name ${name} cannot be found.`),
  noSuchGroup: (name: string) => iamFault('NoSuchEntityException', `The group with name ${name} cannot be found.`),
  noSuchAccessKey: (id: string) => iamFault('NoSuchEntityException', `The Access Key with id ${id} cannot be found.`),
  noSuchUserPolicy: (user: string, policy: string) =>
    iamFault('NoSuchEntityException', `The user policy with name ${policy} cannot be found.`),
  noSuchGroupPolicy: (group: string, policy: string) =>
    iamFault('NoSuchEntityException', `The group policy with name ${policy} cannot be found.`),
  userExists: (name: string) => iamFault('EntityAlreadyExistsException', `User with name ${name} already exists.`),
  groupExists: (name: string) => iamFault('EntityAlreadyExistsException', `Group with name ${name} already exists.`),
  malformedPolicy: (message: string) => iamFault('MalformedPolicyDocumentException', message),
  limitExceeded: (message: string) => iamFault('LimitExceededException', message),
  deleteConflict: (message: string) => iamFault('DeleteConflictException', message),
  concurrentModification: () =>
    iamFault('ConcurrentModificationException', 'The request was rejected because multiple requests to change this object were submitted simultaneously. Wait a few minutes and submit your request again.'),
} as const;

/** The explicit deny / no allow halves of AWS's AccessDenied wording. */
export type DenyReason = 'explicit' | 'implicit';

/**
 * AWS's refusal of a call no identity-based policy allows (403), e.g. `User:
 * arn:aws:iam::123456789012:user/alice is not authorized to perform: elasticache:CreateReplicationGroup
 * on resource: arn:… because no identity-based policy allows the elasticache:CreateReplicationGroup action`.
 * EC2 answers the same refusal as UnauthorizedOperation.
 */
export function accessDenied(principalArn: string, action: string, resource: string, reason: DenyReason,
  code: 'AccessDenied' | 'UnauthorizedOperation' = 'AccessDenied'): AwsError {
  const why = reason === 'explicit'
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  const message = code === 'UnauthorizedOperation'
    ? `You are not authorized to perform this operation. User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`
    : `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  return new AwsError(code, message, 403);
}
