/**
 * Retention for archives of shards a resharding removed. A recording shard's archive is expired by
 * its own archiver (base-scheduler.ts); a removed shard has none, so without this its archive
 * would stay forever. For each group that records, at most once an hour, in the background: every
 * shard prefix under the group's root that is no longer one of its shards (and whose archiver has
 * stopped) is expired with the group's retention, and deleted whole once everything it recorded is
 * older than that (src/snapshots/pitr/expire.ts, expireRemovedShard).
 */
import type { Logger } from '../../util/logger.js';
import type { Services } from '../../core/index.js';
import type { PointInTimeIO } from './deps.js';
import type { DesiredArchive } from './desired.js';

export const REMOVED_SHARD_EXPIRY_EVERY_MS = 3_600_000;

export interface RemovedShardDeps {
  svc: Services;
  pitr: PointInTimeIO;
  logger: Logger;
  now(): number;
}

export class RemovedShardExpiry {
  /** When each root was last looked at, and the jobs under way. */
  private readonly lastRun = new Map<string, number>();
  private readonly jobs = new Map<string, Promise<void>>();

  constructor(private readonly d: RemovedShardDeps) {}

  /** Starts, for each root due, a job expiring its removed shards; `busy` prefixes (archivers stopping) wait. */
  run(desired: readonly DesiredArchive[], busy: ReadonlySet<string>): void {
    const byRoot = new Map<string, DesiredArchive[]>();
    for (const w of desired) byRoot.set(w.root, [...(byRoot.get(w.root) ?? []), w]);
    const now = this.d.now();
    for (const [root, shards] of byRoot) {
      if (this.jobs.has(root) || now - (this.lastRun.get(root) ?? -Infinity) < REMOVED_SHARD_EXPIRY_EVERY_MS) continue;
      this.lastRun.set(root, now);
      const current = new Set(shards.map((w) => w.prefix));
      const { groupId, retentionMs } = shards[0]!;
      const job = this.expireRoot(root, groupId, retentionMs, current, busy)
        .catch((err: unknown) => {
          this.lastRun.delete(root); // the next pass tries again
          this.d.logger.warn({ err, root }, 'expiring the archives of removed shards failed');
        })
        .finally(() => this.jobs.delete(root));
      this.jobs.set(root, job);
    }
  }

  async idle(): Promise<void> {
    while (this.jobs.size) await Promise.all([...this.jobs.values()]);
  }

  private async expireRoot(root: string, groupId: string, retentionMs: number, current: Set<string>, busy: ReadonlySet<string>): Promise<void> {
    for (const prefix of await this.d.pitr.listShardPrefixes(root)) {
      if (current.has(prefix) || busy.has(prefix)) continue;
      const r = await this.d.pitr.expireRemovedShard(prefix, retentionMs, this.d.now());
      const nodeGroup = prefix.slice(root.length).replace(/\/$/, '');
      if (r.deleted !== undefined) {
        this.d.logger.info({ prefix, objects: r.deleted }, 'archive of a removed shard deleted: all of it is older than the retention');
        if (r.deleted > 0) {
          await this.d.svc.events.emit('replication-group', groupId,
            `Point-in-time archive of node group ${nodeGroup} of replication group ${groupId}, removed by a resharding, deleted: ` +
            'everything it recorded is older than the retention period');
        }
      } else if (r.bases + r.segments > 0) {
        this.d.logger.info({ prefix, ...r }, 'archive of a removed shard expired');
      }
    }
  }
}
