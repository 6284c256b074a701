import type { CacheSecurityGroupMessage, DescribeCacheSecurityGroupsMessage } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { securityGroupsNotPermitted } from './cache-security-groups.js';
import { defineAction } from './define.js';

/**
 * A VPC account has no cache security groups: listing them all gives an empty list (tools
 * that enumerate every resource type keep working); asking for one by name is refused.
 */
export default defineAction<DescribeCacheSecurityGroupsMessage, CacheSecurityGroupMessage>(
  'DescribeCacheSecurityGroups', (input) => {
    if (input.CacheSecurityGroupName !== undefined) throw securityGroupsNotPermitted();
    paginate([], input.Marker, input.MaxRecords); // still checks MaxRecords and Marker
    return { CacheSecurityGroups: [] };
  });
