import { CommonErrors } from '../errors/index.js';
import type { Services } from '../core/index.js';

/**
 * SecurityGroupIds of a create or modify call: every id must name a security group of the EC2
 * API on this endpoint (CreateSecurityGroup), as ElastiCache checks them against EC2.
 */
export async function requireSecurityGroups(svc: Services, ids: readonly string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    if (!(await svc.store.get('securityGroup', id))) missing.push(id);
  }
  if (missing.length > 0) {
    throw CommonErrors.invalidParameterValue(`Some security group Id not recognized by EC2: ${missing.join(', ')}`);
  }
}
