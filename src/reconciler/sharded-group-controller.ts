import { getCluster, type CacheClusterRecord, type ClusterView, type GroupView, type NodeGroupRecord, type ReplicationGroupRecord } from '../store/index.js';
import { newFailover } from '../failover/machine.js';
import { ClusterFormation } from './cluster-formation.js';
import type { ReconcilerDeps } from './deps.js';
import type { FailoverRunner } from './failover-runner.js';
import { deleteGroup } from './group-delete.js';
import { finishGroup, markUnavailable, observeGeneration, seedingMembers, shardRepair, transitMoving } from './shard-rules.js';
import type { GroupControllerOptions } from './group-controller.js';
import { planShardRemoval, strayClusters } from './shard-removal.js';

/** The formation step the controller drives (injected in unit tests; real nodes otherwise). */
export type FormationStep = Pick<ClusterFormation, 'step'>;

/**
 * Drives a cluster-mode-enabled group: each shard fails over on its own through the failover
 * state machine (CLUSTER FAILOVER TAKEOVER when its primary is down), the Redis Cluster is
 * formed and kept as the record says (ClusterFormation), resharding moves slots in bounded
 * batches with its progress in the record, and shards being removed are deleted once empty:
 * their clusters are marked for deletion in the commit that takes them out of the group
 * (shard-removal.ts), so no deletion lives only in this process's memory.
 */
export class ShardedGroupController {
  /**
   * Stray clusters (shard-removal.ts) by id: suspected when first seen, reported (a log line) when
   * seen again on a later pass, since one pass's records are not read at a single instant.
   */
  private readonly strays = new Map<string, { groupId: string; reported: boolean }>();
  /** Per group: why formation last stopped short, since when, and when that was last logged. */
  private readonly waiting = new Map<string, { reason: string; since: number; at: number }>();

  constructor(
    private readonly d: ReconcilerDeps,
    private readonly opts: GroupControllerOptions,
    /** Failovers of each shard, with CLUSTER FAILOVER/REPLICATE (failoverRunner(d, 'cluster')). */
    private readonly failovers: FailoverRunner,
    private readonly formation: FormationStep = new ClusterFormation(d),
  ) {}

  /** The shard a member belongs to. */
  shardOf(g: ReplicationGroupRecord, c: CacheClusterRecord): NodeGroupRecord | undefined {
    return g.nodeGroups?.find((ng) => ng.memberClusters.includes(c.id));
  }

  /**
   * A member its shard does not have as primary (a replica, or a primary failed over while it
   * was down): a process of it started again comes back without the slots its nodes.conf claims
   * (engine/cluster-config-file.ts).
   */
  notPrimary(g: ReplicationGroupRecord, c: CacheClusterRecord): boolean {
    const shard = g.clusterEnabled ? this.shardOf(g, c) : undefined;
    return !!shard && shard.primaryClusterId !== c.id;
  }

  /**
   * See GroupController.mayRestart; failover is always automatic in cluster mode. A primary a
   * restore restarts on its data is the restore's to start again (it was stopped on purpose).
   */
  mayRestart(g: ReplicationGroupRecord, c: CacheClusterRecord): boolean {
    if (seedingMembers(g).includes(c.id)) return false;
    return this.failovers.mayRestart(this.shardOf(g, c), c, true);
  }

  async reconcile(stored: GroupView, clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    let g: ReplicationGroupRecord = structuredClone(stored.doc);
    if (g.deleteRequested) return deleteGroup(this.d, stored, clusters);
    this.reportStrays(g, clusters);
    if (g.memberClusters.some((id) => !clusters.has(id))) return true;
    const writer = this.failovers.writer(stored);
    const persist = () => writer.persist(g);
    // While a restore restarts the shards' primaries on their snapshot files (snapshots/engine/
    // seed.ts), they are down, then loading, on purpose: no failover to an empty replica, no
    // formation, until the restore has ended.
    if (seedingMembers(g).length > 0) return finishGroup(this.d, g, persist, false);
    observeGeneration(g);

    let failingOver = false;
    for (const ng of g.nodeGroups ?? []) {
      const repair = shardRepair(ng, `node group ${ng.id}`, clusters, (c) => this.failovers.answering(c));
      if (!repair) continue;
      ng.failover = newFailover(repair.reason, repair.from, this.d.now(), repair.to);
      writer.event(this.d.events.event('replication-group', g.id, repair.message, 'warn'));
    }
    for (const ng of g.nodeGroups ?? []) {
      const shard = { group: g, shard: ng, label: `node group ${ng.id}`, clusters, writer, automatic: true };
      if (await this.failovers.run(shard)) failingOver = true;
    }
    if (failingOver) return true;

    const members = g.memberClusters.map((id) => clusters.get(id)!);
    if (transitMoving(members)) markUnavailable(g);
    if (!members.every((m) => this.failovers.answering(m))) return finishGroup(this.d, g, persist, false);
    const r = await this.formation.step(g, clusters);
    if (g.resharding && (r.slotsMoved || r.keysMoved)) {
      g.resharding.movedSlots += r.slotsMoved;
      g.resharding.keysMoved += r.keysMoved;
    }
    let deleting: string[] = [];
    this.reportWaiting(g, r.waiting);
    // Only a pass that saw every slot where the record wants it may take shards out (one that
    // stopped short, say while the nodes meet again after a restart, knows nothing of the slots).
    if (g.resharding && r.waiting === undefined && r.planned === 0 && g.resharding.removing.length) {
      const removal = planShardRemoval(g, await this.storedMembers(g, g.resharding.removing));
      g = removal.group;
      // The removed shards' clusters are marked in the commit that takes them out of the group.
      writer.alongside(...removal.ops);
      writer.specTransition();
      deleting = removal.deleting;
    }
    const settled = r.settled && !g.resharding?.removing.length && members.every((m) => m.status === 'available');
    // Events go into the commit of the change they tell of (or nowhere, with a commit that fails).
    writer.event(...deleting.map((id) => this.d.events.event('cache-cluster', id, `Cache cluster ${id} is being deleted (its node group left ${g.id})`)));
    if (settled && g.resharding) {
      writer.event(this.d.events.event('replication-group', g.id,
        `Resharding of ${g.id} completed: ${g.resharding.movedSlots} slots and ${g.resharding.keysMoved} keys moved, ${g.nodeGroups!.length} node groups`));
      delete g.resharding;
      writer.specTransition();
    }
    return finishGroup(this.d, g, persist, settled);
  }

  /** The stored records (with versions) of the members of these node groups. */
  private async storedMembers(g: ReplicationGroupRecord, shardIds: string[]): Promise<Map<string, ClusterView>> {
    const ids = (g.nodeGroups ?? []).filter((ng) => shardIds.includes(ng.id)).flatMap((ng) => ng.memberClusters);
    const out = new Map<string, ClusterView>();
    for (const id of ids) {
      const c = await getCluster(this.d.store, id);
      if (c) out.set(id, c);
    }
    return out;
  }

  /** Why formation cannot go on: a warning once it has lasted 5 s (not a moment's state, like nodes meeting after a restart), then every minute. */
  private reportWaiting(g: ReplicationGroupRecord, waiting: string | undefined): void {
    if (waiting === undefined) { this.waiting.delete(g.id); return; }
    const now = Date.now();
    let w = this.waiting.get(g.id);
    if (!w || w.reason !== waiting) {
      w = { reason: waiting, since: now, at: 0 };
      this.waiting.set(g.id, w);
    }
    if (now - w.since < 5_000 || now - w.at < 60_000) return;
    w.at = now;
    this.d.logger.warn({ resource: g.id, forMs: now - w.since }, `cluster formation cannot go on: ${waiting}`);
  }

  /** Clusters naming this group that it does not name are left running, and said so once. */
  private reportStrays(g: ReplicationGroupRecord, clusters: Map<string, CacheClusterRecord>): void {
    const now = new Set(strayClusters(g, clusters.values()));
    for (const [id, s] of this.strays) if (s.groupId === g.id && !now.has(id)) this.strays.delete(id);
    for (const id of now) {
      const seen = this.strays.get(id);
      if (!seen) { this.strays.set(id, { groupId: g.id, reported: false }); continue; }
      if (seen.reported) continue;
      seen.reported = true;
      this.d.logger.warn({ resource: g.id, cacheCluster: id },
        'cache cluster names this replication group, which does not list it, and is not being deleted: left running (DeleteCacheCluster removes it)');
    }
  }
}
