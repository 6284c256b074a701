import { fault } from '../errors/index.js';
import type { Services } from '../core/index.js';
import { isServerlessBacking } from './serverless.js';
import { getCluster, getGroup, listClusters, listGroups, presentedView, type CacheClusterRecord, type ClusterView, type GroupView, type ReplicationGroupRecord, type Stored } from '../store/index.js';

/**
 * Reads shared by several actions. Names are stored lowercase (as ElastiCache stores them),
 * so lookups are case-insensitive.
 */

export async function requireSubnetGroup(svc: Services, name: string): Promise<Stored<'cacheSubnetGroup'>> {
  const found = await svc.store.get('cacheSubnetGroup', name.toLowerCase());
  if (!found) throw fault('CacheSubnetGroupNotFoundFault', `Cache subnet group ${name} not found.`);
  return found;
}

export async function requireParameterGroup(svc: Services, name: string): Promise<Stored<'cacheParameterGroup'>> {
  const found = await svc.store.get('cacheParameterGroup', name.toLowerCase());
  if (!found) throw fault('CacheParameterGroupNotFoundFault', `Cache parameter group ${name} not found.`);
  return found;
}

/**
 * A cache cluster as the API sees it: the merged view, its status as callers see it (`deleting`,
 * `modifying` until the reconciler observed the latest change, …). Writes go to the spec half
 * only (clusterSpecWrite), at `version`.
 */
export async function requireCacheCluster(svc: Services, id: string): Promise<ClusterView> {
  const found = await findCacheCluster(svc, id);
  if (!found) throw fault('CacheClusterNotFoundFault', `Cache cluster ${id} not found.`);
  return found;
}

export async function findCacheCluster(svc: Services, id: string): Promise<ClusterView | undefined> {
  // A serverless cache's backing nodes are not the customer's (resources/serverless.ts).
  if (isServerlessBacking(id.toLowerCase())) return undefined;
  return memberView(svc, id);
}

/** A cluster by id, hidden or not (a group's members, read by the code that owns the group). */
async function memberView(svc: Services, id: string): Promise<ClusterView | undefined> {
  const found = await getCluster(svc.store, id.toLowerCase());
  return found && presentedView(found);
}

/** A replication group as the API sees it (see {@link requireCacheCluster}). */
export async function requireReplicationGroup(svc: Services, id: string): Promise<GroupView> {
  const found = await findReplicationGroup(svc, id);
  if (!found) throw fault('ReplicationGroupNotFoundFault', `Replication group ${id} not found.`);
  return found;
}

export async function findReplicationGroup(svc: Services, id: string): Promise<GroupView | undefined> {
  if (isServerlessBacking(id.toLowerCase())) return undefined;
  const found = await getGroup(svc.store, id.toLowerCase());
  return found && presentedView(found);
}

/** Every cache cluster as the API sees it, in id order. */
export async function allCacheClusters(svc: Services): Promise<ClusterView[]> {
  return (await (svc.views ? svc.views.clusters() : listClusters(svc.store))).filter((c) => !isServerlessBacking(c.id)).map(presentedView);
}

/** Every replication group as the API sees it, in id order. */
export async function allReplicationGroups(svc: Services): Promise<GroupView[]> {
  return (await (svc.views ? svc.views.groups() : listGroups(svc.store))).filter((g) => !isServerlessBacking(g.id)).map(presentedView);
}

/** The member cluster records of a replication group, in its order (members not recorded are skipped). */
export async function memberClusters(svc: Services, group: Pick<ReplicationGroupRecord, 'memberClusters'>): Promise<CacheClusterRecord[]> {
  return (await storedMemberClusters(svc, group)).map((m) => m.doc);
}

/** {@link memberClusters} with each record's version, for a write that rewrites them (expectVersion). */
export async function storedMemberClusters(svc: Services, group: Pick<ReplicationGroupRecord, 'memberClusters'>): Promise<ClusterView[]> {
  const members = await Promise.all(group.memberClusters.map((id) => memberView(svc, id)));
  return members.filter((m): m is ClusterView => m !== undefined);
}

/**
 * Ids of the cache clusters and replication groups that use a subnet group or parameter group
 * (as desired state: a cluster being deleted still uses its groups until its record is gone).
 * Replication groups are checked as well as their member clusters so a group whose members
 * are not yet recorded still counts.
 */
export async function groupUsers(svc: Services, field: 'cacheSubnetGroupName' | 'cacheParameterGroupName',
  name: string): Promise<{ cacheClusters: string[]; replicationGroups: string[] }> {
  const key = name.toLowerCase();
  const uses = (doc: { [k in typeof field]: string }) => doc[field].toLowerCase() === key;
  const cacheClusters = (await svc.store.list('cacheCluster')).filter((r) => uses(r.doc)).map((r) => r.id);
  const replicationGroups = (await svc.store.list('replicationGroup')).filter((r) => uses(r.doc)).map((r) => r.id);
  return { cacheClusters, replicationGroups };
}

/** "cache cluster a, b and replication group c", for messages; undefined when nothing uses it. */
export function describeUsers(users: { cacheClusters: string[]; replicationGroups: string[] }): string | undefined {
  const parts: string[] = [];
  if (users.cacheClusters.length) {
    parts.push(`cache cluster${users.cacheClusters.length > 1 ? 's' : ''} ${users.cacheClusters.join(', ')}`);
  }
  if (users.replicationGroups.length) {
    parts.push(`replication group${users.replicationGroups.length > 1 ? 's' : ''} ${users.replicationGroups.join(', ')}`);
  }
  return parts.length ? parts.join(' and ') : undefined;
}
