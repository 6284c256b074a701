import { CommonErrors } from '../../errors/index.js';

/**
 * Cache security groups only exist for EC2-Classic accounts. cachefleet answers like ElastiCache
 * does for an account in a VPC (every account since 2013): the API refuses them, and access is
 * governed by the subnet group / SecurityGroupIds instead.
 */
export function securityGroupsNotPermitted() {
  return CommonErrors.invalidParameterValue('Use of cache security groups is not permitted in this API version for your account.');
}
