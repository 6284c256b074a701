import { replicaOf, type AdminPool } from '../engine/admin.js';
import { clusterMyself, clusterNodes } from '../engine/cluster-admin.js';
import { rangesContain } from '../engine/cluster-nodes.js';
import type { CacheClusterRecord } from '../store/index.js';

/**
 * The Redis commands a failover step uses, by replication mode:
 * - replication (cluster mode disabled): REPLICAOF NO ONE / REPLICAOF host port;
 * - cluster (cluster mode enabled): CLUSTER FAILOVER [TAKEOVER] / CLUSTER REPLICATE <id>, so
 *   Redis Cluster's own configuration epochs record the change and every node learns it.
 */
export interface ShardOps {
  /** Makes `to` the primary; `planned` when the old primary is alive and has been paused. */
  promote(to: CacheClusterRecord, planned: boolean): Promise<void>;
  /** Points `member` at the new primary `to`. */
  repoint(member: CacheClusterRecord, to: CacheClusterRecord): Promise<void>;
  /** Whether a planned failover must pause the old primary itself (Redis Cluster's CLUSTER FAILOVER does). */
  readonly pausesItself: boolean;
  /**
   * Cluster mode: how many slots `to` still sees its primary own that another live primary now
   * serves as its own (a move `to` has not heard of yet). CLUSTER FAILOVER TAKEOVER claims every
   * slot the replica sees its primary own, at a new, higher epoch: those slots would be taken back
   * from their new owner, which deletes their keys (Redis 7.0's dirty slots; slot-views.ts).
   */
  staleSlots?(to: CacheClusterRecord): Promise<number>;
}

const clientOf = (admin: AdminPool, c: CacheClusterRecord) => admin.client(c.nodes[0]!.address, c.nodes[0]!.port);

export function replicationOps(admin: AdminPool): ShardOps {
  return {
    pausesItself: false,
    async promote(to) {
      await replicaOf(clientOf(admin, to), null);
    },
    async repoint(member, to) {
      await replicaOf(clientOf(admin, member), { address: to.nodes[0]!.address, port: to.nodes[0]!.port });
    },
  };
}

export function clusterOps(admin: AdminPool): ShardOps {
  return {
    pausesItself: true,
    async promote(to, planned) {
      // Planned: the replica coordinates with its primary (pause, catch up, switch). Otherwise the
      // primary is gone and the replica takes over without a vote (our monitor made the decision).
      await clientOf(admin, to).call('CLUSTER', 'FAILOVER', ...(planned ? [] : ['TAKEOVER']));
    },
    async staleSlots(to) {
      const view = await clusterNodes(clientOf(admin, to));
      const me = view.find((n) => n.myself);
      const primary = view.find((n) => n.id === me?.primaryId && n.role === 'primary');
      if (!me || me.role !== 'replica' || !primary) return 0;
      let stale = 0;
      for (const other of view) {
        if (other.role !== 'primary' || other.id === primary.id || other.failed || !other.address) continue;
        const own = await clusterMyself(admin.client(other.address, other.port)).catch(() => undefined);
        if (own?.id !== other.id) continue;
        for (const [a, b] of own.slots) for (let s = a; s <= b; s++) if (rangesContain(primary.slots, s)) stale++;
      }
      return stale;
    },
    async repoint(member, to) {
      const id = String(await clientOf(admin, to).call('CLUSTER', 'MYID'));
      await clientOf(admin, member).call('CLUSTER', 'REPLICATE', id);
    },
  };
}
