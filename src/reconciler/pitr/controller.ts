/**
 * The point-in-time archive controller, level-triggered like the rest of the reconciler: each pass
 * hands it the groups and clusters it read, and it makes the running archivers match the groups
 * tagged `cachefleet:point-in-time-restore=enabled` — one ShardArchiver per shard, started,
 * restarted when its configuration changes, stopped when the tag goes or the group is deleted.
 * Nothing here waits on a node or the store within a pass: archivers run on their own, stops and
 * deletions run in the background and ask for a pass when they end.
 *
 * An archive whose group no longer wants it (tag removed or `disabled`, group deleted) is deleted,
 * as a group's automatic snapshots are, once no restore from it is in progress. The first pass of a
 * controller (a restarted service) also looks for archives of groups deleted while it was down.
 * The archives themselves are the only state: a restarted controller starts archivers again, and
 * each resumes its line where the archive ends (PSYNC), so a kill -9 of the control plane leaves
 * no gap while the nodes' backlogs hold what it missed.
 */
import type { Services } from '../../core/index.js';
import type { CacheClusterRecord, ReplicationGroupRecord, Tag } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import type { AdminConnectionOptions } from '../../engine/connect.js';
import type { NodeTarget } from '../../snapshots/types.js';
import { desiredArchives, groupOfRoot, type DesiredArchive } from './desired.js';
import type { ArchiveHandle, PointInTimeIO } from './deps.js';
import { archiveSource } from './follow.js';
import { RemovedShardExpiry } from './removed-shards.js';

export interface ArchiveControllerDeps {
  svc: Services;
  pitr: PointInTimeIO;
  nodeOptions(address: string, port: number): AdminConnectionOptions;
  logger: Logger;
  kick(): void;
}

interface Running {
  want: DesiredArchive;
  handle: ArchiveHandle;
}

/** The sweep's entry among the background jobs (no archive root looks like it). */
const SWEEP = 'sweep';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ArchiveController {
  private readonly running = new Map<string, Running>();
  /** Stops under way, by archive key: a new archiver of that shard waits for it. */
  private readonly stopping = new Map<string, Promise<void>>();
  /** Roots to delete once no restore holds them, and deletions under way. */
  private readonly unwanted = new Set<string>();
  private readonly deleting = new Map<string, Promise<void>>();
  private groups = new Map<string, ReplicationGroupRecord>();
  private clusters: ReadonlyMap<string, CacheClusterRecord> = new Map();
  private swept = false;
  private stopped = false;
  private readonly removedShards: RemovedShardExpiry;

  constructor(private readonly d: ArchiveControllerDeps) {
    this.removedShards = new RemovedShardExpiry({ svc: d.svc, pitr: d.pitr, logger: d.logger, now: () => d.svc.now().getTime() });
  }

  /** One pass over the groups and clusters the reconciler read. Always false (nothing here converges a pass). */
  async reconcile(read: { groups: ReplicationGroupRecord[]; clusters: ReadonlyMap<string, CacheClusterRecord> }): Promise<boolean> {
    if (this.stopped) return false;
    this.groups = new Map(read.groups.map((g) => [g.id, g]));
    this.clusters = read.clusters;
    const reads = this.d.svc.views?.reads ?? this.d.svc.store;
    const tags = new Map((await reads.list('tags')).map((t) => [t.id, t.doc.tags as readonly Tag[]]));
    const desired = desiredArchives(read.groups, (arn) => tags.get(arn));
    const wanted = new Map(desired.map((w) => [w.key, w]));
    const wantedRoots = new Set(desired.map((w) => w.root));
    for (const [key, r] of this.running) {
      const w = wanted.get(key);
      if (w && w.fingerprint === r.want.fingerprint) continue;
      this.stopArchiver(key, r);
      if (!wantedRoots.has(r.want.root)) this.unwanted.add(r.want.root);
    }
    for (const w of desired) {
      if (this.running.has(w.key) || this.stopping.has(w.key) || this.deleting.has(w.root)) continue;
      // Started once the group has formed (its replicas follow their primary; a restore into it has
      // loaded) and a member answers: a new group's nodes change roles meanwhile.
      const status = this.groups.get(w.groupId)?.status;
      if (status === 'creating' || status === 'create-failed' || status === 'restore-failed') continue;
      if (this.sourceOf(w)) this.startArchiver(w);
    }
    if (!this.swept) this.sweep();
    this.deleteUnwanted(wantedRoots, read.groups);
    // Shards a resharding removed: their archivers are gone (or stopping), their archives expire here.
    const stoppingPrefixes = new Set([...this.stopping.keys()].map((key) => {
      const [group, nodeGroup] = key.split('/');
      const root = desired.find((w) => w.groupId === group)?.root;
      return root ? `${root}${nodeGroup}/` : '';
    }));
    this.removedShards.run(desired, stoppingPrefixes);
    return false;
  }

  /** Stops every archiver (archiving what each recorded) and waits for deletions under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, r] of this.running) this.stopArchiver(key, r);
    await Promise.all([...this.stopping.values(), ...this.deleting.values()]);
    await this.removedShards.idle();
  }

  /** Shards recording now (`<group>/<node group>`). */
  get recording(): string[] {
    return [...this.running.keys()].sort();
  }

  /** Resolves once no stop or deletion is under way (tests). */
  async idle(): Promise<void> {
    while (this.stopping.size || this.deleting.size) await Promise.all([...this.stopping.values(), ...this.deleting.values()]);
    await this.removedShards.idle();
  }

  /**
   * Once per controller (a restarted service), in the background (listing a large archive store
   * takes a while): every archive found becomes a candidate for deletion; the next passes delete
   * those no group wants (groups deleted or untagged while no controller ran).
   */
  private sweep(): void {
    this.swept = true;
    const job = this.d.pitr.listRoots()
      .then((roots) => { for (const root of roots) this.unwanted.add(root); })
      .catch((err: unknown) => {
        this.swept = false; // the next pass lists again
        this.d.logger.warn({ err }, 'listing the point-in-time archives failed');
      })
      .finally(() => {
        this.deleting.delete(SWEEP);
        this.d.kick();
      });
    this.deleting.set(SWEEP, job);
  }

  private startArchiver(w: DesiredArchive): void {
    const shard = `node group ${w.nodeGroupId} of replication group ${w.groupId}`;
    const handle = this.d.pitr.archiver({
      prefix: w.prefix, retentionMs: w.retentionMs, ...(w.kmsKey ? { kmsKey: w.kmsKey } : {}),
      source: () => this.sourceOf(w),
      onNewLine: ({ at, previous }) => {
        const message = previous
          ? `Point-in-time recording of ${shard} could not continue and began again at ${iso(at)}: ` +
            `times from ${iso(previous.endMs)} to then cannot be restored`
          : `Point-in-time recording started for ${shard}`;
        void this.d.svc.events.emit('replication-group', w.groupId, message, previous ? 'warn' : 'info')
          .catch((err: unknown) => this.d.logger.warn({ err, group: w.groupId }, 'could not record a point-in-time event'));
      },
    });
    handle.start();
    this.running.set(w.key, { want: w, handle });
    this.d.logger.info({ group: w.groupId, nodeGroup: w.nodeGroupId, prefix: w.prefix }, 'point-in-time archiver started');
  }

  /** The node a shard's archive follows now (see follow.ts), as the engine reaches it. */
  private sourceOf(w: DesiredArchive): NodeTarget | undefined {
    const g = this.groups.get(w.groupId);
    const n = (g && archiveSource(g, w.nodeGroupId, this.clusters))?.nodes[0];
    return n ? { address: n.address, port: n.port, ...this.d.nodeOptions(n.address, n.port) } : undefined;
  }

  private stopArchiver(key: string, r: Running): void {
    this.running.delete(key);
    const done = r.handle.stop()
      .catch((err: unknown) => this.d.logger.warn({ err, archive: key }, 'point-in-time archiver did not stop cleanly'))
      .finally(() => {
        this.stopping.delete(key);
        this.d.kick();
      });
    this.stopping.set(key, done);
  }

  /**
   * Deletes unwanted roots that no archiver writes to and no restore in progress reads from; the
   * group's events say so (its own, when the tag went; a deleted group's, when it went with it).
   */
  private deleteUnwanted(wantedRoots: Set<string>, groups: ReplicationGroupRecord[]): void {
    const held = new Set(groups.filter((g) => g.restore?.pointInTime && !g.deleteRequested &&
      (g.restoreState === undefined || g.restoreState.state === 'waiting' || g.restoreState.state === 'loading'))
      .map((g) => g.restore!.pointInTime!.archive));
    const writing = new Set([...this.running.values()].map((r) => r.want.root));
    const stoppingRoots = new Set([...this.stopping.keys()].map((k) => k.split('/')[0]!));
    for (const root of [...this.unwanted]) {
      if (wantedRoots.has(root)) { this.unwanted.delete(root); continue; }
      const group = groupOfRoot(root);
      if (held.has(root) || writing.has(root) || stoppingRoots.has(group) || this.deleting.has(root)) continue;
      this.unwanted.delete(root);
      const job = this.d.pitr.deleteRoot(root)
        .then(async (objects) => {
          const g = this.groups.get(group);
          const message = g && !g.deleteRequested
            ? `Point-in-time restore turned off for replication group ${group}: recording stopped and its archive deleted`
            : `Point-in-time archive of replication group ${group} deleted with the replication group`;
          this.d.logger.info({ root, objects }, 'point-in-time archive deleted');
          if (objects > 0) await this.d.svc.events.emit('replication-group', group, message);
        })
        .catch((err: unknown) => {
          this.d.logger.warn({ err, root }, 'deleting a point-in-time archive failed; the next pass tries again');
          this.unwanted.add(root);
        })
        .finally(() => {
          this.deleting.delete(root);
          this.d.kick();
        });
      this.deleting.set(root, job);
    }
  }
}
