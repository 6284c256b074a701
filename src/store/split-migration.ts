import type { CacheClusterRecord, ReplicationGroupRecord } from './records.js';
import type { StateStore, WriteOp } from './types.js';
import { clusterSpecOf, clusterStatusOf, groupSpecOf, groupStatusOf } from './views.js';

/**
 * Data directories written before desired and observed state were split hold one record per
 * replication group and cache cluster, with both halves in it. At start, each such record is
 * split in one commit per resource: its spec rewritten without the status fields, its status
 * created from them (a reboot still to be carried out becomes a request). Idempotent: a split
 * record has no status fields left. Returns how many records were split.
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
