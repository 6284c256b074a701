/**
 * The errors the service answers with: one typed AWS error (`code`, `httpStatus`, `senderFault`),
 * the ElastiCache model's faults, and the errors every Query-protocol service shares. The lowest
 * floor but util: the catalog, the resources and security checks throw these, the API serializes them.
 */
export { AwsError, CommonErrors, fault, isAwsError } from './aws-error.js';
export { FAULTS, type FaultName } from './faults.js';
