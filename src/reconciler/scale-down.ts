/**
 * A node type change to a type with less memory than the data needs fails, as on ElastiCache ("the
 * new node type might not have sufficient memory… the scale down fails"), instead of happening:
 * a lower `maxmemory` set on a node holding more makes Redis evict keys at once (or refuse every
 * write, under noeviction). So before the controller sets a lower maxmemory, every node's
 * `used_memory` is read; if one holds more than the new type gives it, nothing is set, the desired
 * node type goes back to the one the nodes run (the cluster's, or its replication group's and
 * every member's, in one commit) and an event says why. The pending change is gone, as the
 * failed modification's is on ElastiCache.
 */
import { parseInfo } from '../engine/info.js';
import { clusterSpecWrite, getCluster, getGroup, groupSpecWrite, type CacheClusterRecord, type ClusterView, type WriteOp } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';

/** The most memory any node of `c` uses now (INFO memory's used_memory), in bytes. */
export async function largestUsedMemory(d: Pick<ReconcilerDeps, 'admin'>, c: CacheClusterRecord): Promise<number> {
  let most = 0;
  for (const n of c.nodes) {
    const info = parseInfo(String(await d.admin.client(n.address, n.port).info('memory')));
    most = Math.max(most, Number(info.used_memory ?? 0));
  }
  return most;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Puts the desired node type of `c` (and of its replication group and every member) back to the
 * one its nodes run, with the event saying why, in one commit.
 */
export async function refuseScaleDown(d: Pick<ReconcilerDeps, 'store' | 'events' | 'logger'>, stored: ClusterView, used: number, limit: number): Promise<void> {
  const c = stored.doc;
  const from = c.appliedNodeType!;
  const to = c.cacheNodeType;
  const back = (doc: CacheClusterRecord): CacheClusterRecord => {
    const next = structuredClone(doc);
    next.cacheNodeType = from;
    delete next.pending.cacheNodeType;
    return next;
  };
  const ops: WriteOp[] = [];
  let source: 'cache-cluster' | 'replication-group' = 'cache-cluster';
  let id = c.id;
  const group = c.replicationGroupId ? await getGroup(d.store, c.replicationGroupId) : undefined;
  if (group) {
    source = 'replication-group';
    id = group.id;
    const g = structuredClone(group.doc);
    g.cacheNodeType = from;
    delete g.pending.cacheNodeType;
    ops.push(...groupSpecWrite(group, g));
    for (const member of group.doc.memberClusters) {
      const view = member === c.id ? stored : await getCluster(d.store, member);
      if (view && view.doc.cacheNodeType !== from) ops.push(...clusterSpecWrite(view, back(view.doc)));
    }
  } else {
    ops.push(...clusterSpecWrite(stored, back(c)));
  }
  const what = source === 'replication-group' ? 'replication group' : 'cache cluster';
  const message = `Failed to scale ${what} ${id} to ${to}: its data (${mib(used)} used on a node) does not fit the ${mib(limit)} ${to} gives it; it stays ${from}`;
  await d.store.commit(ops, { events: [d.events.event(source, id, message, 'warn')] });
  d.logger.warn({ resource: id, from, to, usedBytes: used, maxmemoryBytes: limit }, 'scale down refused: the data does not fit');
}
