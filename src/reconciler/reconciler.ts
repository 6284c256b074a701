import { randomUUID } from 'node:crypto';
import { nodeKey } from '../resources/naming.js';
import type { Target } from '../endpoints/types.js';
import { CachedReads, MergedViews, type CacheClusterRecord, type ClusterView, type ReplicationGroupRecord } from '../store/index.js';
import { ClusterController } from './cluster-controller.js';
import type { ReconcilerDeps } from './deps.js';
import { failoverRunner } from './failover-runner.js';
import { GroupController, type GroupControllerOptions } from './group-controller.js';
import { ShardedGroupController } from './sharded-group-controller.js';
import { RbacController } from './rbac-controller.js';
import { SettledClusters } from './settled.js';
import { seedNode } from './seed-node.js';
import { forEachLimit } from '../util/concurrency.js';
import { adminNodeControl } from '../failover/node-control.js';
import { SnapshotController } from './backups/controller.js';
import { ArchiveController } from './pitr/controller.js';
import { ServerlessController } from './serverless/controller.js';

export interface ReconcilerTiming extends GroupControllerOptions {
  /** Period when everything has settled: drift (a dead process, a flushed route table) is still noticed. */
  intervalMs: number;
  /** Period while something converges. */
  fastIntervalMs: number;
  /**
   * A settled cluster whose inputs and node health are unchanged is fully observed (INFO, config
   * rendered) only this often, not every pass (see settled.ts). 0 or absent: every pass.
   */
  settledObserveIntervalMs?: number;
  /** Each cluster's nodes are checked for configuration drift at most this often (drift.ts). 0 or absent: never. */
  driftCheckIntervalMs?: number;
  /** A pass taking this long is logged at info level (default 1000 ms), others at debug. */
  slowPassMs?: number;
  /**
   * Clusters reconciled at once in a pass (default 16): their steps mostly wait on nodes (INFO,
   * process start), so a pass over many clusters is not a sum of round trips.
   */
  clusterConcurrency?: number;
}

/**
 * The level-triggered loop: each pass observes real processes, compares them with the records,
 * takes the next safe step and writes observed status. It runs on every change (kick) and on a
 * period; passes never overlap, and a failure in one resource never stops the others.
 */
export class Reconciler {
  private readonly clustersCtl: ClusterController;
  private readonly groupsCtl: GroupController;
  private readonly shardedCtl: ShardedGroupController;
  private readonly rbacCtl: RbacController;
  /** Snapshots, restores and automatic backups (when the service has backups wired). */
  readonly snapshots: SnapshotController | undefined;
  /** Point-in-time archives of the groups tagged for them (when the service has them wired). */
  readonly archives: ArchiveController | undefined;
  /** Serverless caches' endpoints (when the service has them wired). */
  readonly serverless: ServerlessController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private converging = false;
  private passes = 0;
  private readonly settled: SettledClusters;
  private unsubscribe: (() => void) | undefined;
  /** What passes read, kept between commits (view-cache.ts): a pass over unchanged records reads nothing. */
  private readonly views: MergedViews;
  /** The cache this reconciler made for itself (closed with it), when none was injected. */
  private readonly ownReads: CachedReads | undefined;

  constructor(private readonly d: ReconcilerDeps, private readonly timing: ReconcilerTiming) {
    this.ownReads = d.views ? undefined : new CachedReads(d.store);
    this.views = d.views ?? new MergedViews(this.ownReads!);
    this.clustersCtl = new ClusterController(d, { driftCheckIntervalMs: timing.driftCheckIntervalMs ?? 0 });
    this.groupsCtl = new GroupController(d, timing, failoverRunner(d, 'replication'));
    this.shardedCtl = new ShardedGroupController(d, timing, failoverRunner(d, 'cluster'));
    this.rbacCtl = new RbacController(d, this.views);
    const seed = seedNode(d.store, d.provider, (c, n) => this.clustersCtl.specOf(c, n));
    this.snapshots = d.backups ? new SnapshotController({
      ...d.backups, logger: d.logger, owner: randomUUID(), kick: () => this.kick(),
      nodeOptions: (address, port) => d.admin.options(address, port),
      observe: adminNodeControl(d.admin).observe,
      ...(seed ? { seed } : {}),
    }) : undefined;
    this.archives = d.backups?.pitr ? new ArchiveController({
      svc: d.backups.svc, pitr: d.backups.pitr, logger: d.logger, kick: () => this.kick(),
      nodeOptions: (address, port) => d.admin.options(address, port),
    }) : undefined;
    this.serverless = d.serverless ? new ServerlessController(d, this.views, d.serverless) : undefined;
    this.settled = new SettledClusters(timing.settledObserveIntervalMs ?? 0);
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.d.store.onChange((kinds) => this.settled.committed(kinds));
    this.kick();
  }

  /** Asks for a pass as soon as possible (coalesced with one already asked for). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.snapshots?.stop();
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.running;
    await this.archives?.stop();
    this.ownReads?.close();
  }

  /** One pass, exposed for tests and for `cachefleet` commands that want a settled state. */
  async runOnce(): Promise<void> {
    await this.pass();
  }

  private async run(): Promise<void> {
    this.running = this.pass().catch((err) => this.d.logger.error({ err }, 'reconcile pass failed'));
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const next = this.again ? 0 : this.converging ? this.timing.fastIntervalMs : this.timing.intervalMs;
    this.again = false;
    this.timer = setTimeout(() => void this.run(), next);
  }

  private async pass(): Promise<void> {
    this.passes++;
    const started = performance.now();
    let reconciled = 0;
    let converging = false;
    const groups = await this.views.groups();
    const groupById = new Map(groups.map((g) => [g.id, g]));
    const parameterGroupVersions = new Map((await this.views.reads.list('cacheParameterGroup')).map((r) => [r.id, r.version]));
    const clusters = await this.views.clusters();
    let clusterMap = new Map(clusters.map((r) => [r.id, r.doc]));
    this.settled.retain(clusterMap.keys());

    const changed: ClusterWork[] = [];
    const periodic: ClusterWork[] = [];
    for (const stored of clusters) {
      const gStored = stored.doc.replicationGroupId ? groupById.get(stored.doc.replicationGroupId) : undefined;
      const g = gStored?.doc;
      const source = g && !g.clusterEnabled ? this.groupsCtl.replicationSource(g, stored.doc, clusterMap) : undefined;
      const mayRestart = !g ? true : g.clusterEnabled ? this.shardedCtl.mayRestart(g, stored.doc) : this.groupsCtl.mayRestart(g, stored.doc);
      const notPrimary = !!g && this.shardedCtl.notPrimary(g, stored.doc);
      const fingerprint = this.settled.fingerprint([
        stored.version, stored.statusVersion, gStored?.version, gStored?.statusVersion, parameterGroupVersions.get(stored.doc.cacheParameterGroupName), mayRestart, notPrimary,
        source && `${source.address}:${source.port}`,
        ...stored.doc.nodes.map((n) => this.d.monitor?.health(nodeKey(stored.id, n.id)).health),
      ]);
      // A group at work (failover, a member suspected) acts on its nodes without changing their
      // records (REPLICAOF): its members are observed every pass until it has settled again.
      const owed = gStored && !this.groupSettled(gStored.doc, clusterMap) ? 'changed' : this.settled.check(stored.id, fingerprint);
      if (owed !== 'skip') (owed === 'changed' ? changed : periodic).push({ stored, source, mayRestart, notPrimary, fingerprint });
    }
    // While something changes (a failover, a create), settled clusters' periodic observations
    // wait, but for one round of them, so that they never make a pass that acts slow.
    const limit = this.timing.clusterConcurrency ?? 16;
    const work = changed.length > 0 ? [...changed, ...periodic.slice(0, limit)] : periodic;
    reconciled = work.length;
    await forEachLimit(work, limit, async ({ stored, source, mayRestart, notPrimary, fingerprint }) => {
      const step = await this.guard(stored.id, () => this.clustersCtl.reconcile(stored, source, mayRestart, notPrimary));
      converging = step || converging;
      this.settled.reconciled(stored.id, fingerprint, !step && isSettled(stored.doc));
    });
    const clustersMs = performance.now() - started;
    // RBAC statuses follow the ACLs the clusters just verified, before any group may turn available.
    converging = (await this.guard('rbac', () => this.rbacCtl.reconcile())) || converging;
    clusterMap = await this.clusterMap();
    // Routes follow the nodes just observed *before* any group may be declared available, so a
    // client that sees `available` can connect through the endpoints at once.
    await this.syncRoutes(clusterMap);
    for (const stored of await this.views.groups()) {
      const ctl = stored.doc.clusterEnabled ? this.shardedCtl : this.groupsCtl;
      converging = (await this.guard(stored.id, () => ctl.reconcile(stored, clusterMap))) || converging;
    }
    // Serverless endpoints follow their backing groups, just reconciled.
    if (this.serverless) converging = (await this.guard('serverless', () => this.serverless!.reconcile())) || converging;
    if (this.snapshots) converging = (await this.guard('snapshots', () => this.snapshots!.reconcile({ groups, clusters }))) || converging;
    clusterMap = await this.clusterMap();
    if (this.archives) await this.guard('pitr', () => this.archives!.reconcile({ groups: groups.map((g) => g.doc), clusters: clusterMap }));
    await this.syncRoutes(clusterMap);
    if (!converging && this.passes % 10 === 1) await this.guard('orphans', () => this.removeOrphans(clusterMap));
    this.d.monitor?.watch([...clusterMap.values()].filter((c) => !c.deleteRequested).flatMap((c) =>
      c.nodes.map((n) => ({ key: nodeKey(c.id, n.id), address: n.address, port: n.port }))));
    this.converging = converging;
    const ms = Math.round(performance.now() - started);
    this.d.onPass?.(ms);
    const stats = { ms, clustersMs: Math.round(clustersMs), clusters: clusters.length, reconciled, converging };
    if (ms >= (this.timing.slowPassMs ?? 1000)) this.d.logger.info(stats, 'slow reconcile pass');
    else this.d.logger.debug(stats, 'reconcile pass');
  }

  private groupSettled(g: ReplicationGroupRecord, clusters: Map<string, CacheClusterRecord>): boolean {
    if (g.status !== 'available' || g.deleteRequested || g.failover || g.nodeGroups?.some((ng) => ng.failover)) return false;
    return g.memberClusters.every((id) => clusters.get(id)?.nodes.every((n) =>
      (this.d.monitor?.health(nodeKey(id, n.id)).health ?? 'up') === 'up') ?? true);
  }

  /** Programs the endpoint routes and filters the records call for (the router skips unchanged sets). */
  private async syncRoutes(clusterMap: Map<string, CacheClusterRecord>): Promise<void> {
    await this.guard('endpoints', async () => {
      await this.d.network.sync(clusterMap);
      return false;
    });
  }

  /** Every cluster as stored now (after the pass's own commits). */
  private async clusterMap(): Promise<Map<string, CacheClusterRecord>> {
    return new Map((await this.views.clusters()).map((r) => [r.id, r.doc]));
  }

  /** Nodes on disk that no record wants (e.g. a delete interrupted by a crash) are removed. */
  private async removeOrphans(clusters: Map<string, CacheClusterRecord>): Promise<boolean> {
    const wanted = new Set([...clusters.values()].flatMap((c) => c.nodes.map((n) => nodeKey(c.id, n.id))));
    for (const key of await this.d.provider.list()) {
      if (wanted.has(key)) continue;
      this.d.logger.warn({ node: key }, 'removing a cache node no cluster owns');
      await this.d.provider.remove(key);
    }
    for (const key of (await this.d.security?.certs.list()) ?? []) {
      if (!wanted.has(key)) await this.d.security?.certs.remove(key);
    }
    return false;
  }

  private async guard(resource: string, step: () => Promise<boolean>): Promise<boolean> {
    try {
      return await step();
    } catch (err) {
      this.d.logger.warn({ err, resource }, 'reconcile step failed; will retry');
      return true;
    }
  }
}

interface ClusterWork {
  stored: ClusterView;
  source: Target | undefined;
  mayRestart: boolean;
  notPrimary: boolean;
  fingerprint: string;
}

/** Available with nothing under way: what a pass may leave alone while its inputs stay the same. */
function isSettled(c: CacheClusterRecord): boolean {
  return c.status === 'available' && !c.deleteRequested && !c.rebootRequested?.length &&
    Object.keys(c.pending ?? {}).length === 0 && c.parameterApplyStatus === 'in-sync' &&
    c.nodes.every((n) => n.status === 'available' && !n.recovering && n.observed?.lastError === undefined &&
      (n.observed?.role !== 'replica' || n.observed.linkUp === true));
}
