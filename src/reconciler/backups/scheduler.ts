import { memberClusters } from '../../resources/lookups.js';
import { snapshottingMember } from '../../resources/snapshot-source.js';
import { clusterSnapshotSpec, groupSnapshotSpec } from '../../resources/snapshots.js';
import { snapshotWindowAt } from '../../resources/windows.js';
import { serverlessCacheOf } from '../../resources/serverless.js';
import { hiddenSnapshotName, serverlessSnapshotArn, serverlessSnapshotName } from '../../resources/serverless-snapshots.js';
import {
  clusterSpecWrite, ConflictError, groupSpecWrite, snapshotCreate, snapshotSpecWrite,
  type BackupScheduleRecord, type ClusterView, type GroupView, type SnapshotView, type Stored, type WriteOp,
} from '../../store/index.js';
import type { BackupDeps } from './deps.js';

const DAY_MS = 86_400_000;

/** `automatic.<id>-YYYY-MM-DD-HH-MM`, as ElastiCache names automatic snapshots (UTC). */
export function automaticSnapshotName(sourceId: string, at: Date): string {
  const t = at.toISOString();
  return `automatic.${sourceId}-${t.slice(0, 10)}-${t.slice(11, 13)}-${t.slice(14, 16)}`;
}

/** A group that may be backed up now: available, settled, no snapshot running. */
function groupReady(v: GroupView): boolean {
  const g = v.doc;
  return g.status === 'available' && !g.deleteRequested && !g.snapshotting && !g.failover && !g.resharding &&
    (g.generation ?? 0) <= g.observedGeneration && !(g.nodeGroups ?? []).some((ng) => ng.failover);
}

function clusterReady(v: ClusterView): boolean {
  const c = v.doc;
  return c.status === 'available' && !c.deleteRequested && !c.snapshotting && (c.generation ?? 0) <= c.observedGeneration && !c.rebootRequested?.length;
}

/**
 * Automatic backups, level-triggered on every pass:
 * - a group or standalone cluster with SnapshotRetentionLimit > 0 whose snapshot window is open
 *   now and that has no backup of this window occurrence yet (the `backupSchedule` record, written
 *   in the same commit as the snapshot) gets one, named as ElastiCache names them, as soon as it is
 *   available; a service that was down when the window opened takes it when it comes back while
 *   the window is still open, and never twice for one occurrence;
 * - an automatic snapshot older than its source's retention (or whose source has turned automatic
 *   backups off, or is gone) is deleted: automatic snapshots go with their group, manual ones stay.
 */
export class BackupScheduler {
  constructor(private readonly d: BackupDeps) {}

  async reconcile(groups: GroupView[], clusters: ClusterView[], snapshots: SnapshotView[]): Promise<void> {
    const now = this.d.svc.now();
    const schedules = new Map((await (this.d.svc.views?.reads ?? this.d.svc.store).list('backupSchedule')).map((r) => [r.id, r]));
    if (this.d.svc.config.automaticBackups) await this.takeDue(groups, clusters, schedules, now);
    await this.expire(groups, clusters, snapshots, schedules, now);
  }

  private async takeDue(groups: GroupView[], clusters: ClusterView[], schedules: Map<string, Stored<'backupSchedule'>>, now: Date): Promise<void> {
    for (const v of groups) {
      if (v.doc.snapshotRetentionLimit <= 0 || v.doc.deleteRequested) continue;
      const w = snapshotWindowAt(v.doc.snapshotWindow, now);
      if (!w || schedules.get(v.id)?.doc.lastWindow === w.day || !groupReady(v)) continue;
      await this.take(v, w.day, schedules.get(v.id), now);
    }
    for (const v of clusters) {
      if (v.doc.replicationGroupId || v.doc.snapshotRetentionLimit <= 0 || v.doc.deleteRequested) continue;
      const w = snapshotWindowAt(v.doc.snapshotWindow, now);
      if (!w || schedules.get(v.id)?.doc.lastWindow === w.day || !clusterReady(v)) continue;
      await this.take(v, w.day, schedules.get(v.id), now);
    }
  }

  private async take(v: GroupView | ClusterView, day: string, schedule: Stored<'backupSchedule'> | undefined, now: Date): Promise<void> {
    const svc = this.d.svc;
    let ops: WriteOp[];
    let name: string;
    if ('nodes' in v.doc) {
      const view = v as ClusterView;
      name = automaticSnapshotName(view.id, now);
      const spec = await clusterSnapshotSpec(svc, view.doc, { name, source: 'automated' });
      ops = [snapshotCreate(spec), ...clusterSpecWrite(view, { ...view.doc, snapshotting: name })];
    } else {
      const view = v as GroupView;
      const g = view.doc;
      const members = await memberClusters(svc, g);
      if (members.length === 0) return;
      const cache = serverlessCacheOf(g.id);
      // A serverless cache's backups: hidden names (resources/serverless-snapshots.ts), shown as automatic.<cache>-<time>.
      name = cache ? hiddenSnapshotName(automaticSnapshotName(cache, now))
        : automaticSnapshotName(g.clusterEnabled ? g.id : snapshottingMember(g, members, false).id, now);
      const spec = await groupSnapshotSpec(svc, g, { name, source: 'automated' });
      if (cache) spec.arn = serverlessSnapshotArn(svc, serverlessSnapshotName(name));
      ops = [snapshotCreate(spec), ...groupSpecWrite(view, { ...g, snapshotting: name })];
    }
    const doc: BackupScheduleRecord = { id: v.id, lastWindow: day, lastSnapshot: name };
    ops.push(schedule
      ? { op: 'update', kind: 'backupSchedule', id: v.id, doc, expectVersion: schedule.version }
      : { op: 'create', kind: 'backupSchedule', id: v.id, doc });
    try {
      await svc.store.commit(ops);
    } catch (e) {
      if (e instanceof ConflictError) return; // the source or the schedule changed meanwhile: the next pass decides again
      throw e;
    }
    this.d.logger.info({ resource: v.id, snapshot: name }, 'automatic backup started');
    this.d.kick();
  }

  private async expire(groups: GroupView[], clusters: ClusterView[], snapshots: SnapshotView[],
    schedules: Map<string, Stored<'backupSchedule'>>, now: Date): Promise<void> {
    const retention = new Map<string, number>([
      ...groups.map((g): [string, number] => [g.id, g.doc.snapshotRetentionLimit]),
      ...clusters.filter((c) => !c.doc.replicationGroupId).map((c): [string, number] => [c.id, c.doc.snapshotRetentionLimit]),
    ]);
    for (const v of snapshots) {
      const s = v.doc;
      if (s.source !== 'automated' || s.deleteRequested || s.holds?.length || s.work.status === 'creating') continue;
      const days = retention.get(s.config.replicationGroupId ?? s.config.cacheClusterId ?? '');
      const expired = days === undefined || days <= 0 || Date.parse(s.createdAt) + days * DAY_MS <= now.getTime();
      if (!expired) continue;
      try {
        await this.d.svc.store.commit(snapshotSpecWrite(v, { ...v.spec, deleteRequested: true }));
        this.d.logger.info({ snapshot: s.name, retentionDays: days ?? 'source deleted' }, 'automatic snapshot expired');
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
      }
    }
    for (const [id, r] of schedules) {
      if (!retention.has(id)) await this.d.svc.store.commit([{ op: 'delete', kind: 'backupSchedule', id, expectVersion: r.version }]).catch(() => undefined);
    }
  }
}
