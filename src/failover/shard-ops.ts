import { replicaOf, type AdminPool } from '../engine/admin.js';
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
    async repoint(member, to) {
      const id = String(await clientOf(admin, to).call('CLUSTER', 'MYID'));
      await clientOf(admin, member).call('CLUSTER', 'REPLICATE', id);
    },
  };
}
