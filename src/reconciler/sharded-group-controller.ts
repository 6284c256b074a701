import { newFailover, stepFailover, type FailoverDeps } from '../failover/machine.js';
import { clusterOps } from '../failover/shard-ops.js';
import type { CacheClusterRecord, NodeGroupRecord, ReplicationGroupRecord, Stored } from '../store/index.js';
import { ClusterFormation } from './cluster-formation.js';
import type { ReconcilerDeps } from './deps.js';
import { deleteGroup } from './group-delete.js';
import { finishGroup, markUnavailable, shouldFailOver } from './shard-rules.js';
import type { GroupControllerOptions } from './group-controller.js';

/**
 * Drives a cluster-mode-enabled group: each shard fails over on its own through the failover
 * state machine (CLUSTER FAILOVER TAKEOVER when its primary is down), the Redis Cluster is
 * formed and kept as the record says (ClusterFormation), resharding moves slots in bounded
 * batches with its progress in the record, and shards being removed are deleted once empty.
 */
export class ShardedGroupController {
  private readonly formation: ClusterFormation;

  constructor(
    private readonly d: ReconcilerDeps,
    private readonly opts: GroupControllerOptions,
    private readonly answering: (c: CacheClusterRecord) => boolean,
    private readonly switchEndpoint: (g: ReplicationGroupRecord) => Promise<void>,
  ) {
    this.formation = new ClusterFormation(d);
  }

  /** The shard a member belongs to. */
  shardOf(g: ReplicationGroupRecord, c: CacheClusterRecord): NodeGroupRecord | undefined {
    return g.nodeGroups?.find((ng) => ng.memberClusters.includes(c.id));
  }

  mayRestart(g: ReplicationGroupRecord, c: CacheClusterRecord): boolean {
    if (!c.nodes[0]?.observed?.runId) return true;
    const ng = this.shardOf(g, c);
    if (!ng) return true;
    if (ng.failover?.fromClusterId === c.id) return false;
    return !(c.id === ng.primaryClusterId && ng.memberClusters.length > 1);
  }

  async reconcile(stored: Stored<'replicationGroup'>, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    let version = stored.version;
    const g: ReplicationGroupRecord = structuredClone(stored.doc);
    if (g.deleteRequested) return deleteGroup(this.d, stored, clusters);
    if (g.memberClusters.some((id) => !clusters.has(id))) return true;
    const persist = async () => {
      if (JSON.stringify(stored.doc) === JSON.stringify(g)) return;
      await this.d.store.commit([{ op: 'update', kind: 'replicationGroup', id: g.id, doc: g, expectVersion: version }]);
      version++;
      stored = { ...stored, doc: structuredClone(g), version };
    };

    let failingOver = false;
    for (const ng of g.nodeGroups ?? []) {
      const primary = clusters.get(ng.primaryClusterId)!;
      if (!ng.failover && shouldFailOver(this.d, ng, primary)) {
        ng.failover = newFailover('primary-down', primary.id, this.d.now());
        await this.d.events.emit('replication-group', g.id, `Primary ${primary.id} of node group ${ng.id} is down; failing over to a replica`, 'warn');
      }
      if (!ng.failover && !(this.answering(primary) && primary.nodes[0]?.observed?.role === 'primary')) markUnavailable(g);
      if (!ng.failover) continue;
      markUnavailable(g);
      failingOver = true;
      const ctx: FailoverDeps = {
        ...this.d, healthy: (c) => this.answering(c), switchEndpoint: () => this.switchEndpoint(g),
        ops: clusterOps(this.d.admin), groupId: g.id, shardLabel: `node group ${ng.id}`,
      };
      for (let i = 0; i < 8 && ng.failover; i++) {
        const r = await stepFailover(ctx, ng, clusters);
        await persist();
        if (r !== 'advanced') break;
      }
    }
    if (failingOver) return true;

    const members = g.memberClusters.map((id) => clusters.get(id)!);
    if (!members.every((m) => this.answering(m))) return this.finish(g, persist, false);
    const r = await this.formation.step(g, clusters);
    if (g.resharding && (r.slotsMoved || r.keysMoved)) {
      g.resharding.movedSlots += r.slotsMoved;
      g.resharding.keysMoved += r.keysMoved;
    }
    if (g.resharding && r.pendingMoves === 0 && r.slotsMoved === 0 && g.resharding.removing.length) {
      this.dropRemovedShards(g, clusters);
    }
    const settled = r.settled && !g.resharding?.removing.length && members.every((m) => m.status === 'available');
    if (settled && g.resharding) {
      await this.d.events.emit('replication-group', g.id,
        `Resharding of ${g.id} completed: ${g.resharding.movedSlots} slots and ${g.resharding.keysMoved} keys moved, ${g.nodeGroups!.length} node groups`);
      delete g.resharding;
    }
    return this.finish(g, persist, settled);
  }

  /** Shards that gave away every slot leave the group; their clusters are deleted. */
  private dropRemovedShards(g: ReplicationGroupRecord, clusters: Map<string, CacheClusterRecord>): void {
    const leaving = new Set(g.resharding!.removing);
    const gone = (g.nodeGroups ?? []).filter((ng) => leaving.has(ng.id)).flatMap((ng) => ng.memberClusters);
    g.nodeGroups = (g.nodeGroups ?? []).filter((ng) => !leaving.has(ng.id));
    g.memberClusters = g.memberClusters.filter((id) => !gone.includes(id));
    g.primaryClusterId = g.nodeGroups[0]!.primaryClusterId;
    g.resharding!.removing = [];
    this.pendingDeletes.push(...gone.filter((id) => clusters.has(id)));
  }

  private pendingDeletes: string[] = [];

  private async finish(g: ReplicationGroupRecord, persist: () => Promise<void>, settled: boolean): Promise<boolean> {
    const converging = await finishGroup(this.d, g, persist, settled);
    // Clusters of removed shards are deleted after the group stopped naming them.
    for (const id of this.pendingDeletes.splice(0)) {
      const c = await this.d.store.get('cacheCluster', id);
      if (c && !c.doc.deleteRequested) {
        await this.d.store.commit([{ op: 'update', kind: 'cacheCluster', id, expectVersion: c.version, doc: { ...c.doc, status: 'deleting', deleteRequested: true } }]);
      }
    }
    return converging;
  }
}
