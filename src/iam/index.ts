// The installation's IAM: users, groups, access keys and their inline policies (directory.ts),
// AWS's policy language (policy.ts, conditions.ts) and its evaluation (evaluate.ts).
export { IamDirectory, iamId, type IamSnapshot } from './directory.js';
export { accessDenied, iamFault, IamErrors, type DenyReason } from './errors.js';
export { evaluate, type AuthorizationQuery, type Decision } from './evaluate.js';
export { parsePolicyDocument, policySize, type ParsedPolicy, type PolicyStatement } from './policy.js';
export type { ConditionContext } from './conditions.js';
export { newAccessKeyPair, newGroupId, newUserId } from './ids.js';
export { IAM_FAULTS, type IamFaultName } from './faults.js';
