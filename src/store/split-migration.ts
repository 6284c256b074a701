import type { CacheClusterRecord, ReplicationGroupRecord, UserGroupSpec, UserSpec } from './records.js';
import type { StateStore, WriteOp } from './types.js';
import { clusterSpecOf, clusterStatusOf, groupSpecOf, groupStatusOf } from './views.js';

/**
 * Data directories written before desired and observed state were split hold one record per
 * replication group, cache cluster, user and user group, with both halves in it. At start, each
 * such record is split in one commit per resource: its spec rewritten without the status fields,
 * its status created from them (a reboot still to be carried out becomes a request; a user or
 * user group being modified gets a generation its status has not observed, a user being deleted
 * its delete request). Idempotent: a split record has no status fields left. Returns how many
 * records were split.
 */
export async function splitLegacyRecords(store: StateStore): Promise<number> {
  let n = 0;
  for (const r of await store.list('cacheCluster')) {
    if (!('status' in r.doc)) continue;
    const old = r.doc as unknown as CacheClusterRecord & { rebootRequested?: string[] };
    const doc: CacheClusterRecord = { ...old, observedGeneration: 0 };
    const spec = clusterSpecOf(doc);
    if (old.rebootRequested?.length) spec.rebootRequests = Object.fromEntries(old.rebootRequested.map((id) => [id, 1]));
    await store.commit(splitOps('cacheCluster', r.id, r.version, spec, await hasStatus(store, 'cacheClusterStatus', r.id) ? undefined : clusterStatusOf(doc)));
    n++;
  }
  for (const r of await store.list('replicationGroup')) {
    if (!('status' in r.doc)) continue;
    const doc = { ...(r.doc as unknown as ReplicationGroupRecord), observedGeneration: 0 };
    await store.commit(splitOps('replicationGroup', r.id, r.version, groupSpecOf(doc), await hasStatus(store, 'replicationGroupStatus', r.id) ? undefined : groupStatusOf(doc)));
    n++;
  }
  n += await splitRbac(store);
  return n;
}

type LegacyStatus = 'creating' | 'active' | 'modifying' | 'deleting';

async function splitRbac(store: StateStore): Promise<number> {
  let n = 0;
  for (const r of await store.list('user')) {
    if (!('status' in r.doc)) continue;
    const { status, observedGeneration: _o, ...rest } = r.doc as UserSpec & { status: LegacyStatus; observedGeneration?: number };
    const spec: UserSpec = { ...rest };
    if (status === 'deleting') spec.deleteRequested = true;
    // No status record reads as generation 0 observed: a user being modified waits for the reconciler.
    if (status === 'modifying') spec.generation = (spec.generation ?? 0) + 1;
    await store.commit([{ op: 'update', kind: 'user', id: r.id, doc: spec, expectVersion: r.version }]);
    n++;
  }
  for (const r of await store.list('userGroup')) {
    if (!('status' in r.doc)) continue;
    const { status, observedGeneration: _o, ...rest } = r.doc as UserGroupSpec & { status: LegacyStatus; observedGeneration?: number };
    const spec: UserGroupSpec = { ...rest };
    if (status === 'modifying') spec.generation = (spec.generation ?? 0) + 1;
    const ops: WriteOp[] = [{ op: 'update', kind: 'userGroup', id: r.id, doc: spec, expectVersion: r.version }];
    // A user group without a status record is one the reconciler has not seen yet (creating).
    if (status !== 'creating' && !(await store.get('userGroupStatus', r.id))) {
      ops.push({ op: 'create', kind: 'userGroupStatus', id: r.id, doc: { id: r.id, observedGeneration: rest.generation ?? 0 } });
    }
    await store.commit(ops);
    n++;
  }
  return n;
}

async function hasStatus(store: StateStore, kind: 'cacheClusterStatus' | 'replicationGroupStatus', id: string): Promise<boolean> {
  return (await store.get(kind, id)) !== undefined;
}

function splitOps(kind: 'cacheCluster' | 'replicationGroup', id: string, version: number, spec: object, status: object | undefined): WriteOp[] {
  const ops: WriteOp[] = [{ op: 'update', kind, id, doc: spec as never, expectVersion: version }];
  if (status) ops.push({ op: 'create', kind: kind === 'cacheCluster' ? 'cacheClusterStatus' : 'replicationGroupStatus', id, doc: status as never });
  return ops;
}
