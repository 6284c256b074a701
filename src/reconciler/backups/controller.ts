import { getCluster, getGroup, listClusters, listGroups, listSnapshots, type ClusterView, type GroupView, type SnapshotView } from '../../store/index.js';
import { runBackup } from './backup-job.js';
import { runCopy, runExport } from './copy-job.js';
import { runDelete } from './delete-job.js';
import { announce } from './announce.js';
import type { BackupDeps } from './deps.js';
import { runRestore } from './restore-job.js';
import { BackupScheduler } from './scheduler.js';
import { clearMarker, writeSnapshotSpec } from './snapshot-writes.js';

/**
 * The snapshot controller: level-triggered like the rest of the reconciler. Each pass reads the
 * snapshots, groups and clusters and starts, in the background, the work the records call for
 * that is not already running in this process — a snapshot `creating` (taken, or copied), an
 * export, a deletion, a restore whose nodes are ready — then tidies what finished work leaves:
 * holds of restores, copies and exports that ended, `snapshotting` markers of snapshots that are
 * no longer being created. Jobs persist every step (see the jobs' modules), so a pass after a
 * restart of the service picks up whatever a killed one left: it is finished, or failed cleanly.
 */
export class SnapshotController {
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly scheduler: BackupScheduler;
  private readonly d: BackupDeps;
  private stopped = false;

  constructor(deps: BackupDeps) {
    this.d = { ...deps, stopped: () => this.stopped || (deps.stopped?.() ?? false) };
    this.scheduler = new BackupScheduler(this.d);
  }

  /** Jobs stop at their next step and nothing new starts; a later controller resumes the work. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * One pass over the groups and clusters given (else read here). Always false: jobs run in the
   * background and ask for a pass when they end, so a long backup does not keep the loop at its
   * fast period.
   */
  async reconcile(read?: { groups: GroupView[]; clusters: ClusterView[] }): Promise<boolean> {
    if (this.stopped) return false;
    // The reconciler's pass hands over the views it read (level-triggered: a view a moment old is fine).
    const [groups, clusters] = read ? [read.groups, read.clusters] : await Promise.all([listGroups(this.d.svc.store), listClusters(this.d.svc.store)]);
    // Through the service's reads kept between commits (view-cache.ts) when it has them: a pass
    // over unchanged snapshots reads nothing, and the second read costs only what the scheduler wrote.
    const reads = this.d.svc.views?.reads ?? this.d.svc.store;
    await this.scheduler.reconcile(groups, clusters, await listSnapshots(reads));
    const snapshots = await listSnapshots(reads);
    const byName = new Map(snapshots.map((s) => [s.id, s]));
    for (const v of snapshots) {
      const s = v.doc;
      if (s.deleteRequested) {
        this.start(`delete:${s.name}`, () => runDelete(this.d, s.name));
        continue;
      }
      if (s.work.status === 'creating') {
        this.start(`create:${s.name}`, () => (s.origin.kind === 'copy' ? runCopy(this.d, s.name) : runBackup(this.d, s.name)));
      } else if (!s.work.announced) {
        this.start(`create:${s.name}`, () => announce(this.d, s.name)); // its job was cut short after recording the outcome
      }
      for (const h of s.holds ?? []) {
        if (h.kind === 'export') this.start(`export:${s.name}:${h.bucket}:${h.by}`, () => runExport(this.d, s.name, h));
      }
      await this.releaseHolds(v, groups, clusters, byName);
    }
    await this.clearStaleMarkers(groups, clusters, byName);
    for (const g of groups) this.restore('group', g);
    for (const c of clusters) if (!c.doc.replicationGroupId) this.restore('cluster', c);
    return false;
  }

  /** Resolves once no job runs (tests; a service stopping). */
  async idle(): Promise<void> {
    while (this.jobs.size) await Promise.all([...this.jobs.values()]);
  }

  /** How many jobs run now. */
  get running(): number {
    return this.jobs.size;
  }

  private restore(kind: 'group' | 'cluster', v: GroupView | ClusterView): void {
    const st = v.doc.restoreState?.state;
    if (!v.doc.restore || v.doc.deleteRequested || (st !== 'waiting' && st !== 'loading')) return;
    this.start(`restore:${kind}:${v.id}`, () => runRestore(this.d, { kind, id: v.id }));
  }

  private start(key: string, job: () => Promise<void>): void {
    if (this.jobs.has(key)) return;
    const run = job()
      .catch((err: unknown) => this.d.logger.warn({ err, job: key }, 'snapshot job stopped; the next pass takes it up again'))
      .finally(() => {
        this.jobs.delete(key);
        this.d.kick();
      });
    this.jobs.set(key, run);
  }

  /** Holds whose work has ended: a restore done, failed or abandoned; a copy no longer being made. */
  private async releaseHolds(v: SnapshotView, groups: GroupView[], clusters: ClusterView[], byName: Map<string, SnapshotView>): Promise<void> {
    const ended: typeof v.spec.holds = [];
    for (const h of v.spec.holds ?? []) {
      if (h.kind === 'export') continue; // the export job removes its own
      if (h.kind === 'copy') {
        const target = byName.get(h.by);
        if (!target || target.doc.work.status !== 'creating' || !!target.spec.deleteRequested) ended.push(h);
        continue;
      }
      // A group created after the groups were read is read now (its hold was committed with it).
      const r = groups.find((g) => g.id === h.by)?.doc ?? clusters.find((c) => c.id === h.by && !c.doc.replicationGroupId)?.doc ??
        (await getGroup(this.d.svc.store, h.by))?.doc ?? (await getCluster(this.d.svc.store, h.by))?.doc;
      const state = r?.restoreState?.state;
      if (!r || r.restore?.snapshotName !== v.id || !!r.deleteRequested || state === 'done' || state === 'failed') ended.push(h);
    }
    if (ended.length === 0) return;
    await writeSnapshotSpec(this.d, v.id, (s) => ({ ...s, holds: (s.holds ?? []).filter((h) => !ended.some((e) => e.kind === h.kind && e.by === h.by)) }));
  }

  /** `snapshotting` markers naming a snapshot that is gone or being deleted (announce clears the others). */
  private async clearStaleMarkers(groups: GroupView[], clusters: ClusterView[], byName: Map<string, SnapshotView>): Promise<void> {
    const stale = (name: string | undefined) => {
      if (!name) return false;
      const s = byName.get(name);
      return !s || !!s.spec.deleteRequested || !!s.doc.work.announced;
    };
    for (const g of groups) if (stale(g.spec.snapshotting)) await clearMarker(this.d, 'group', g.id, g.spec.snapshotting!);
    for (const c of clusters) if (stale(c.spec.snapshotting)) await clearMarker(this.d, 'cluster', c.id, c.spec.snapshotting!);
  }
}
