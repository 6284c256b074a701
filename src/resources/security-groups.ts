import { CommonErrors } from '../errors/index.js';
import type { Services } from '../core/index.js';
import type { WriteOp } from '../store/index.js';

/**
 * SecurityGroupIds of a create or modify call: every id must name a security group of the EC2
 * API on this endpoint (CreateSecurityGroup), as ElastiCache checks them against EC2.
 *
 * Returns the guards the caller commits with its change: each group rewritten unchanged at the
 * version read. A DeleteSecurityGroup that found no dependent commits at the version it read, so
 * of the two racing commits one fails and runs again — the delete to answer DependencyViolation,
 * or the create to answer that the group is gone. A cluster never names a deleted group.
 */
export async function requireSecurityGroups(svc: Services, ids: readonly string[] | undefined): Promise<WriteOp[]> {
  if (!ids?.length) return [];
  const missing: string[] = [];
  const guards: WriteOp[] = [];
  for (const id of new Set(ids)) {
    const found = await svc.store.get('securityGroup', id);
    if (!found) missing.push(id);
    else guards.push({ op: 'update', kind: 'securityGroup', id, doc: found.doc, expectVersion: found.version });
  }
  if (missing.length > 0) {
    throw CommonErrors.invalidParameterValue(`Some security group Id not recognized by EC2: ${missing.join(', ')}`);
  }
  return guards;
}
