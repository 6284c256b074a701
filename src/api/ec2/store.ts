// Reads and writes of security groups and network interfaces shared by the EC2 actions.
import type { Services } from '../../core/index.js';
import type { Stored } from '../../store/index.js';
import { Ec2Errors } from './errors.js';
import { checkGroupId, checkInterfaceId, defaultVpcId } from './ids.js';

const queues = new WeakMap<object, Promise<void>>();

/**
 * Runs the EC2 writes of one service one at a time. What they check (a group name unique in its
 * VPC, an address unique among interfaces, no rule naming a group being deleted) spans several
 * records, which a version precondition on one record cannot guard; in one process a queue can.
 * Each write still commits with version preconditions (a ConflictError is a bug, not a race).
 */
export async function serialized<T>(svc: Services, fn: () => Promise<T>): Promise<T> {
  const key = svc.store;
  const prev = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const tail = prev.then(() => mine);
  queues.set(key, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
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
