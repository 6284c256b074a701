// Reads and writes of security groups and network interfaces shared by the EC2 actions.
import type { Services } from '../../core/index.js';
import type { Stored } from '../../store/index.js';
import { retryOnConflict } from '../../resources/commit.js';
import { ec2ConflictFault, Ec2Errors } from './errors.js';
import { checkGroupId, checkInterfaceId, defaultVpcId } from './ids.js';

/**
 * Runs an EC2 write under the one conflict policy of API writes (resources/commit.ts
 * retryOnConflict): `step` reads, validates and commits with `expectVersion` on every record it
 * rewrites, plus `unchanged()` (resources/commit.ts) of each record a check spans and a claim
 * (claims.ts) for each value that must stay unique, so a concurrent write, from this process or
 * another sharing the store, makes the commit fail rather than slip past the check; the step
 * then runs again on the fresh state. When every attempt lost its race, the answer is
 * RequestLimitExceeded (503), the error EC2 throttles with, which botocore's EC2 retry policy
 * and every SDK's standard retry mode retry: never an InternalError.
 */
export function ec2Write<T>(step: () => Promise<T>): Promise<T> {
  return retryOnConflict(step, { exhausted: ec2ConflictFault });
}

export async function requireGroupById(svc: Services, id: string): Promise<Stored<'securityGroup'>> {
  const found = await svc.store.get('securityGroup', checkGroupId(id));
  if (!found) throw Ec2Errors.groupNotFound(id);
  return found;
}

/**
 * The group a request names by GroupId, or by GroupName (which, as in EC2, names a group of
 * the default VPC only).
 */
export async function requireGroup(svc: Services, ref: { GroupId?: string; GroupName?: string }): Promise<Stored<'securityGroup'>> {
  if (ref.GroupId) return requireGroupById(svc, ref.GroupId);
  if (!ref.GroupName) throw Ec2Errors.missingParameter('groupId or groupName');
  const vpcId = defaultVpcId(svc.installation);
  const name = ref.GroupName.toLowerCase();
  const found = (await svc.store.list('securityGroup')).find((g) => g.doc.vpcId === vpcId && g.doc.groupName.toLowerCase() === name);
  if (!found) throw Ec2Errors.groupNameNotFound(ref.GroupName, vpcId);
  return found;
}

export async function requireInterface(svc: Services, id: string): Promise<Stored<'networkInterface'>> {
  const found = await svc.store.get('networkInterface', checkInterfaceId(id));
  if (!found) throw Ec2Errors.interfaceNotFound(id);
  return found;
}

/**
 * What keeps a group from being deleted: cache clusters and replication groups naming it in
 * SecurityGroupIds (not those being deleted, nor the members of a replication group being
 * deleted, but for a primary it retains), network interfaces carrying it, and rules of other
 * groups naming it as their source. Empty when it may go.
 */
export async function dependentsOf(svc: Services, groupId: string): Promise<string[]> {
  const out: string[] = [];
  const replicationGroups = new Map((await svc.store.list('replicationGroup')).map((r) => [r.id, r.doc] as const));
  for (const r of replicationGroups.values()) {
    if (!r.deleteRequested && r.securityGroupIds.includes(groupId)) out.push(`replication group ${r.id}`);
  }
  for (const c of await svc.store.list('cacheCluster')) {
    const rg = c.doc.replicationGroupId ? replicationGroups.get(c.doc.replicationGroupId) : undefined;
    const goesWithGroup = rg?.deleteRequested === true && !(rg.retainPrimaryCluster && rg.primaryClusterId === c.id);
    if (!c.doc.deleteRequested && !goesWithGroup && c.doc.securityGroupIds.includes(groupId)) out.push(`cache cluster ${c.id}`);
  }
  for (const ni of await svc.store.list('networkInterface')) {
    if (ni.doc.groupIds.includes(groupId)) out.push(`network interface ${ni.id}`);
  }
  for (const g of await svc.store.list('securityGroup')) {
    if (g.id === groupId) continue;
    const refers = [...g.doc.ingress, ...g.doc.egress].some((p) => p.groupPairs.some((pair) => pair.groupId === groupId));
    if (refers) out.push(`a rule of security group ${g.id}`);
  }
  return out;
}

/** DryRun: everything was checked and the call would succeed; EC2 answers DryRunOperation (412). */
export function checkDryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw Ec2Errors.dryRun();
}

/** EC2 changes are not ElastiCache events (DescribeEvents has no source type for them): they are logged. */
export function logChange(svc: Services, fields: Record<string, unknown>, message: string): void {
  svc.logger.info({ component: 'ec2', ...fields }, message);
}
