import { replicaOf } from '../engine/admin.js';
import type { Target } from '../endpoints/types.js';
import { newFailover } from '../failover/machine.js';
import { clusterStatusWrite, getCluster, type CacheClusterRecord, type GroupView, type ReplicationGroupRecord } from '../store/index.js';
import type { ReconcilerDeps } from './deps.js';
import type { FailoverRunner } from './failover-runner.js';
import { deleteGroup } from './group-delete.js';
import { finishGroup, markUnavailable, observeGeneration, transitMoving } from './shard-rules.js';

const target = (c: CacheClusterRecord): Target => ({ address: c.nodes[0]!.address, port: c.nodes[0]!.port });
const targetKey = (t: Target): string => `${t.address}:${t.port}`;

export interface GroupControllerOptions {
  /** A replica whose link to a healthy primary stays down this long is restarted. */
  stuckLinkMs: number;
}

/**
 * Drives a replication group (cluster mode disabled): its desired primary is a primary, every
 * other member replicates from it, and the group is `available` once every node answers and
 * every replica's link is up. It acts only on a complete, fresh view of the members (observed
 * in the same pass) and never repoints replicas toward a primary it has not seen answering as
 * one. A primary judged down by the health monitor is replaced through the failover state
 * machine (when AutomaticFailoverEnabled), which also serves TestFailover and planned switchovers.
 */
export class GroupController {
  constructor(
    private readonly d: ReconcilerDeps,
    private readonly opts: GroupControllerOptions,
    /** Failovers of the group's one shard, with REPLICAOF (failoverRunner(d, 'replication')). */
    private readonly failovers: FailoverRunner,
  ) {}

  /** The primary a member should replicate from, or undefined when it is (to be) the primary. */
  replicationSource(g: ReplicationGroupRecord, c: CacheClusterRecord, clusters: Map<string, CacheClusterRecord>): Target | undefined {
    const primaryId = g.failover?.toClusterId && g.failover.state !== 'promote' ? g.failover.toClusterId : g.primaryClusterId;
    if (c.id === primaryId) return undefined;
    const primary = clusters.get(primaryId);
    return primary?.nodes[0] ? target(primary) : undefined;
  }

  /**
   * False while the process of this member must not be restarted in place: it is the group's
   * failed primary and a replica can take over (a restarted primary would come back empty and
   * its replicas would copy the empty data set).
   */
  mayRestart(g: ReplicationGroupRecord, c: CacheClusterRecord): boolean {
    return this.failovers.mayRestart(g, c, g.automaticFailoverEnabled);
  }

  async reconcile(stored: GroupView, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    const g: ReplicationGroupRecord = structuredClone(stored.doc);
    if (g.deleteRequested) return deleteGroup(this.d, stored, clusters);
    const members = g.memberClusters.map((id) => clusters.get(id)).filter((c): c is CacheClusterRecord => !!c);
    const primary = clusters.get(g.primaryClusterId);
    if (!primary || members.length !== g.memberClusters.length) return true;
    const writer = this.failovers.writer(stored);
    const persist = () => writer.persist(g);
    // While a restore loads its data into the primary, that node is a replica of the restore's
    // loader (snapshots/engine/primary-load.ts): roles are left alone until the load has ended.
    const restoring = g.restoreState?.state;
    if (g.restore && (restoring === 'waiting' || restoring === 'loading')) return finishGroup(this.d, g, persist, true);

    // (A primary judged down answers to nothing, so a failover of a dead primary and this
    // switchover never both apply: which the runner or this check sees first does not matter.)
    if (!g.failover && primary.nodes[0]?.observed?.role === 'replica' && this.answering(primary)) {
      // The desired primary answers as a replica (e.g. ModifyReplicationGroup --primary-cluster-id).
      const current = members.find((m) => m.id !== primary.id && m.nodes[0]?.observed?.role === 'primary');
      g.failover = newFailover('switchover', current?.id ?? primary.id, this.d.now(), primary.id);
    }
    observeGeneration(g);
    if (transitMoving(members)) markUnavailable(g);
    if (await this.failovers.run({ group: g, shard: g, label: '', clusters, writer, automatic: g.automaticFailoverEnabled })) return true;

    if (!members.every((m) => this.answering(m))) return finishGroup(this.d, g, persist, false);
    const primaryTarget = target(primary);
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
        await this.restartIfStuck(m);
      }
    }
    return finishGroup(this.d, g, persist, ready && members.every((m) => m.status === 'available'));
  }

  private answering(c: CacheClusterRecord): boolean {
    return this.failovers.answering(c);
  }

  /** A replica process that is alive but cannot keep its link up is restarted (with its data saved). */
  private async restartIfStuck(m: CacheClusterRecord): Promise<void> {
    const since = m.nodes[0]?.observed?.linkDownSince;
    if (!since || this.d.now().getTime() - Date.parse(since) < this.opts.stuckLinkMs || m.rebootRequested?.length) return;
    const view = await getCluster(this.d.store, m.id);
    if (!view) return;
    await this.d.store.commit(clusterStatusWrite(view, { ...view.doc, restartWanted: view.doc.nodes.map((n) => n.id) }));
    await this.d.events.emit('cache-cluster', m.id, `Replication link of ${m.id} has been down since ${since}; restarting the node`, 'warn');
  }
}
