import type {
  CacheClusterRecord, CacheClusterSpec, ReplicationGroupRecord, ReplicationGroupSpec,
} from './records.js';
import type { WriteOp } from './types.js';
import { CLUSTERS, GROUPS, clusterSpecOf, clusterStatusOf, groupSpecOf, groupStatusOf, same, type ClusterView, type GroupView } from './views.js';

/**
 * The writes of each half of a merged view (see views.ts): the API writes the spec half, the
 * reconciler the status half, each at the version it read; a write that changes the other half
 * throws {@link OwnershipError}.
 */


/** A write of one half crossed into the other: a programming error, never a user's. */
export class OwnershipError extends Error {
  constructor(what: string, id: string, side: 'spec' | 'status', field: string) {
    super(`${what} ${id}: a ${side === 'spec' ? 'desired-state (API)' : 'status (reconciler)'} write changed ${field}, which the other side owns`);
    this.name = 'OwnershipError';
  }
}

/** Creates a cluster's spec half (its status half is the reconciler's to create). */
export function clusterCreate(c: CacheClusterRecord | CacheClusterSpec): WriteOp {
  return { op: 'create', kind: 'cacheCluster', id: c.id, doc: 'status' in c ? clusterSpecOf(c) : structuredClone(c) };
}

/** Creates a group's spec half. */
export function groupCreate(g: ReplicationGroupRecord | ReplicationGroupSpec): WriteOp {
  return { op: 'create', kind: 'replicationGroup', id: g.id, doc: 'status' in g ? groupSpecOf(g) : structuredClone(g) };
}

/** The ops writing a cluster's spec half as `next` has it; throws when `next` changed the status half. */
export function clusterSpecWrite(view: ClusterView, next: CacheClusterRecord): WriteOp[] {
  assertSame('Cache cluster', view.id, 'spec', clusterStatusOf(view.doc), clusterStatusOf(next));
  return CLUSTERS.specWrite(view, clusterSpecOf(next));
}

/** The op writing a cluster's status half as `next` has it; throws when `next` changed the spec half. */
export function clusterStatusWrite(view: ClusterView, next: CacheClusterRecord): WriteOp[] {
  assertSame('Cache cluster', view.id, 'status', clusterSpecOf(view.doc), clusterSpecOf(next));
  return CLUSTERS.statusWrite(view, { ...clusterStatusOf(next), observedGeneration: view.spec.generation ?? 0 });
}

/** Removes both halves (the spec at the version read). */
export function clusterDelete(view: ClusterView): WriteOp[] {
  return CLUSTERS.remove(view);
}

export function groupSpecWrite(view: GroupView, next: ReplicationGroupRecord): WriteOp[] {
  // Shards the request adds (or takes away) have no status of their own yet: compare the others.
  const before = groupStatusOf(view.doc);
  const after = groupStatusOf(next);
  for (const k of Object.keys(before.shards)) if (!(k in after.shards)) delete before.shards[k];
  for (const k of Object.keys(after.shards)) if (!(k in before.shards)) delete after.shards[k];
  assertSame('Replication group', view.id, 'spec', before, after);
  return GROUPS.specWrite(view, groupSpecOf(next));
}

export function groupStatusWrite(view: GroupView, next: ReplicationGroupRecord): WriteOp[] {
  // A shard's primary is the status's to change (failover); the spec's is the one named at creation.
  assertSame('Replication group', view.id, 'status', withoutPrimaries(groupSpecOf(view.doc)), withoutPrimaries(groupSpecOf(next)));
  return GROUPS.statusWrite(view, { ...groupStatusOf(next), observedGeneration: view.spec.generation ?? 0 });
}

/**
 * A reconciler step that finishes a request and changes the spec with the status (shards removed
 * after resharding, resharding done): both halves, each at the version read, in one commit.
 */
export function groupTransitionWrite(view: GroupView, next: ReplicationGroupRecord): WriteOp[] {
  const spec = groupSpecOf(next);
  return [...GROUPS.specWrite(view, spec), ...GROUPS.statusWrite(view, { ...groupStatusOf(next), observedGeneration: spec.generation ?? 0 })];
}

export function groupDelete(view: GroupView): WriteOp[] {
  return GROUPS.remove(view);
}

/** The view after `ops` (from the write functions above) were committed. */
export function afterWrite<V extends ClusterView | GroupView>(view: V, ops: WriteOp[], next: V['doc']): V {
  const out = { ...view, doc: structuredClone(next) } as V;
  for (const op of ops) {
    if (op.op === 'delete') continue;
    const status = op.kind === 'cacheClusterStatus' || op.kind === 'replicationGroupStatus';
    if (status) { out.statusVersion = (op.op === 'create' ? 0 : out.statusVersion!) + 1; out.status = structuredClone(op.doc) as never; }
    else { out.version += 1; out.spec = structuredClone(op.doc) as never; }
  }
  return out;
}

function withoutPrimaries(g: ReplicationGroupSpec): object {
  const { primaryClusterId: _p, nodeGroups, ...rest } = g;
  return { ...rest, nodeGroups: nodeGroups?.map(({ primaryClusterId: _q, ...ng }) => ng) };
}

/** `doc` with its generation bumped: an API change the nodes must follow (shows `modifying` until observed). */
export function bumped<T extends { generation?: number }>(doc: T): T {
  return { ...doc, generation: (doc.generation ?? 0) + 1 };
}

function assertSame(what: string, id: string, side: 'spec' | 'status', before: object, after: object): void {
  if (same(before, after)) return;
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const field = [...new Set([...Object.keys(a), ...Object.keys(b)])].find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])) ?? '?';
  throw new OwnershipError(what, id, side, field);
}
