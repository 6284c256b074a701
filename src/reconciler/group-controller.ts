import { observeNode, replicaOf } from '../engine/admin.js';
import type { Target } from '../endpoints/types.js';
import type { CacheClusterRecord, ReplicationGroupRecord, Stored, WriteOp } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import { waitFor } from '../util/wait.js';

const target = (c: CacheClusterRecord): Target => ({ address: c.nodes[0]!.address, port: c.nodes[0]!.port });
const targetKey = (t: Target): string => `${t.address}:${t.port}`;

/**
 * Drives a replication group (cluster mode disabled): its desired primary is a primary, every
 * other member replicates from it, and the group is `available` once every node answers and
 * every replica's link is up. It acts only on a complete, fresh view of the members (observed
 * by the cluster controller in the same pass) and never repoints replicas toward a primary it
 * has not seen answering as a primary.
 */
export class GroupController {
  constructor(private readonly d: ReconcilerDeps) {}

  /** The primary a member should replicate from, or undefined when it is (to be) the primary. */
  replicationSource(g: ReplicationGroupRecord, c: CacheClusterRecord, clusters: Map<string, CacheClusterRecord>): Target | undefined {
    if (c.id === g.primaryClusterId) return undefined;
    const primary = clusters.get(g.primaryClusterId);
    return primary?.nodes[0] ? target(primary) : undefined;
  }

  async reconcile(stored: Stored<'replicationGroup'>, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    const g: ReplicationGroupRecord = structuredClone(stored.doc);
    if (g.deleteRequested) return this.delete(stored, clusters);
    const members = g.memberClusters.map((id) => clusters.get(id)).filter((c): c is CacheClusterRecord => !!c);
    const primary = clusters.get(g.primaryClusterId);
    if (!primary || members.length !== g.memberClusters.length) return true;
    const answering = (c: CacheClusterRecord) => c.nodes[0]?.observed?.lastError === undefined && !!c.nodes[0]?.observed?.role;
    if (!members.every(answering)) return this.finish(stored, g, false);

    const primaryTarget = target(primary);
    if (primary.nodes[0]!.observed!.role !== 'primary') {
      await this.promote(g, primary, members);
      return this.finish(stored, g, false);
    }
    let ready = true;
    for (const m of members) {
      if (m.id === primary.id) continue;
      const o = m.nodes[0]!.observed!;
      if (o.role !== 'replica' || o.following !== targetKey(primaryTarget)) {
        await replicaOf(this.d.admin.client(m.nodes[0]!.address, m.nodes[0]!.port), primaryTarget);
        this.d.logger.info({ resource: g.id, cacheCluster: m.id }, `replica now follows ${primary.id}`);
        ready = false;
      } else if (!o.linkUp) {
        ready = false;
      }
    }
    const settled = ready && members.every((m) => m.status === 'available');
    return this.finish(stored, g, settled);
  }

  /**
   * A planned switchover to the desired primary (ModifyReplicationGroup --primary-cluster-id):
   * pause writes on the current primary, let the new one catch up, promote it, then point the
   * old primary at it. Clients of the old primary are disconnected so they reconnect through the
   * primary endpoint, which the route table points at the new primary.
   */
  private async promote(g: ReplicationGroupRecord, next: CacheClusterRecord, members: CacheClusterRecord[]): Promise<void> {
    const nextClient = this.d.admin.client(next.nodes[0]!.address, next.nodes[0]!.port);
    const current = members.find((m) => m.id !== next.id && m.nodes[0]?.observed?.role === 'primary');
    const currentClient = current ? this.d.admin.client(current.nodes[0]!.address, current.nodes[0]!.port) : undefined;
    try {
      if (currentClient) {
        await currentClient.call('CLIENT', 'PAUSE', '2000', 'WRITE');
        const { replOffset } = await observeNode(currentClient);
        await waitFor(async () => (await observeNode(nextClient)).replOffset >= replOffset,
          { timeoutMs: 1500, intervalMs: 10, what: `${next.id} to catch up` }).catch(() => undefined);
      }
      await replicaOf(nextClient, null);
      if (current && currentClient) {
        await replicaOf(currentClient, target(next));
        await currentClient.call('CLIENT', 'KILL', 'TYPE', 'normal').catch(() => undefined);
      }
    } finally {
      await currentClient?.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    }
    await this.d.events.emit('replication-group', g.id, `Cache cluster ${next.id} is now the primary of replication group ${g.id}`);
  }

  private async finish(stored: Stored<'replicationGroup'>, g: ReplicationGroupRecord, settled: boolean): Promise<boolean> {
    if (settled && g.status !== 'available') {
      const was = g.status;
      g.status = 'available';
      await this.d.events.emit('replication-group', g.id,
        was === 'creating' ? `Replication group ${g.id} created` : `Replication group ${g.id} is available`);
    }
    if (JSON.stringify(stored.doc) !== JSON.stringify(g)) {
      await this.d.store.commit([{ op: 'update', kind: 'replicationGroup', id: g.id, doc: g, expectVersion: stored.version }]);
    }
    return !settled;
  }

  /** Deletes member clusters (or detaches the retained primary), then the group itself. */
  private async delete(stored: Stored<'replicationGroup'>, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    const g = stored.doc;
    const ops: WriteOp[] = [];
    let remaining = 0;
    for (const id of g.memberClusters) {
      const c = clusters.get(id);
      if (!c) continue;
      if (g.retainPrimaryCluster && id === g.primaryClusterId) {
        if (c.replicationGroupId) {
          const { replicationGroupId: _drop, ...rest } = c;
          ops.push({ op: 'update', kind: 'cacheCluster', id, doc: rest as CacheClusterRecord });
        }
        continue;
      }
      remaining++;
      if (!c.deleteRequested) ops.push({ op: 'update', kind: 'cacheCluster', id, doc: { ...c, status: 'deleting', deleteRequested: true } });
    }
    if (remaining === 0) {
      ops.push({ op: 'delete', kind: 'replicationGroup', id: g.id },
        { op: 'delete', kind: 'address', id: g.primaryEndpoint.address },
        { op: 'delete', kind: 'address', id: g.readerEndpoint.address });
      if (await this.d.store.get('tags', g.arn)) ops.push({ op: 'delete', kind: 'tags', id: g.arn });
    }
    await this.d.store.commit(ops);
    if (remaining === 0) await this.d.events.emit('replication-group', g.id, `Replication group ${g.id} deleted`);
    return remaining > 0;
  }
}
