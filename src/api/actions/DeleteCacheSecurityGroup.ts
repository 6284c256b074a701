import type { DeleteCacheSecurityGroupMessage } from '../model/shapes.js';
import { securityGroupsNotPermitted } from './cache-security-groups.js';
import { defineAction } from './define.js';

/** Refused as in a VPC account (see cache-security-groups.ts). */
export default defineAction<DeleteCacheSecurityGroupMessage, void>('DeleteCacheSecurityGroup', () => {
  throw securityGroupsNotPermitted();
});
