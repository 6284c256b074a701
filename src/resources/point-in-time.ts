/**
 * Point-in-time restore as the API sees it. botocore and the aws CLI refuse parameters the
 * ElastiCache model does not have, so both halves travel in tags, which every client can send:
 *
 * - `cachefleet:point-in-time-restore` = `enabled` on a replication group (CreateReplicationGroup
 *   `--tags`, AddTagsToResource; RemoveTagsFromResource or `disabled` turns it off) keeps a
 *   continuous archive of every shard for the group's SnapshotRetentionLimit in days (at least
 *   one day: with 0, automatic backups are off but the archive still keeps one day);
 * - `cachefleet:restore-source-group` = <group id> with `cachefleet:restore-to-time` = ISO-8601
 *   UTC (`2024-01-15T12:00:00Z`) or epoch seconds, on CreateReplicationGroup only, seeds the new
 *   group with the source's data as it was at the end of that second.
 *
 * The archive lives in the snapshot store under `_pitr/<group>/<created ms>/<node group>/`
 * (a snapshot's name starts with a letter, so no snapshot meets it; the creation time keeps a
 * group that reuses a deleted one's name away from its archive).
 */
import { parseArn, type Services } from '../core/index.js';
import { CommonErrors, fault } from '../errors/index.js';
import { describeCoverage, intersectCoverage, PointInTimeNotCoveredError, requireCovered } from '../snapshots/pitr/index.js';
import { getGroup, type PointInTimeRestoreRequest, type ReplicationGroupRecord, type Tag } from '../store/index.js';

export const PITR_TAG = 'cachefleet:point-in-time-restore';
export const RESTORE_SOURCE_TAG = 'cachefleet:restore-source-group';
export const RESTORE_TIME_TAG = 'cachefleet:restore-to-time';
const PITR_VALUES = ['enabled', 'disabled'];
const DAY_MS = 86_400_000;

type TagLike = { Key?: string; Value?: string };

function tagValue(tags: readonly TagLike[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Whether tags turn the point-in-time archive on. */
export function pointInTimeEnabled(tags: readonly TagLike[] | undefined): boolean {
  return tagValue(tags, PITR_TAG) === 'enabled';
}

/** How long the archive keeps what restores need: the retention limit in days, at least one day. */
export function archiveRetentionMs(snapshotRetentionLimit: number): number {
  return Math.max(1, snapshotRetentionLimit) * DAY_MS;
}

/** The folder of a group's archive in the snapshot store. */
export function archiveRoot(g: Pick<ReplicationGroupRecord, 'id' | 'createdAt'>): string {
  return `_pitr/${g.id}/${Date.parse(g.createdAt)}/`;
}

/** One shard's archive prefix (what its ShardArchiver records under). */
export function archivePrefix(root: string, nodeGroupId: string): string {
  return `${root}${nodeGroupId}/`;
}

/** The node groups of a group: `0001` for cluster mode disabled. */
export function shardIds(g: Pick<ReplicationGroupRecord, 'clusterEnabled' | 'nodeGroups'>): string[] {
  return g.clusterEnabled ? (g.nodeGroups ?? []).map((ng) => ng.id) : ['0001'];
}

/**
 * Checks the cachefleet tags among `tags` being put on `resourceArn` (`create`: with the resource;
 * `add`: AddTagsToResource on an existing one), as AWS checks parameters: InvalidParameterValue.
 */
export function checkPointInTimeTags(resourceArn: string, tags: readonly TagLike[], phase: 'create' | 'add'): void {
  const isGroup = parseArn(resourceArn)?.type === 'replicationgroup';
  const pitr = tagValue(tags, PITR_TAG);
  if (pitr !== undefined) {
    if (!isGroup) throw CommonErrors.invalidParameterValue(`The tag ${PITR_TAG} applies to replication groups only.`);
    if (!PITR_VALUES.includes(pitr)) {
      throw CommonErrors.invalidParameterValue(`Invalid value '${pitr}' for tag ${PITR_TAG}: use enabled or disabled.`);
    }
  }
  for (const key of [RESTORE_SOURCE_TAG, RESTORE_TIME_TAG]) {
    if (tagValue(tags, key) === undefined) continue;
    if (!isGroup || phase === 'add') {
      throw CommonErrors.invalidParameterValue(`The tag ${key} is read only by CreateReplicationGroup, to seed the new group; it cannot be added later.`);
    }
  }
}

/** A restore time: ISO-8601 with a zone (`Z` or `±hh:mm`), or epoch seconds; the second it falls in. */
export function parseRestoreTime(value: string): number {
  const v = value.trim();
  let ms: number;
  if (/^\d{1,12}(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(v)) ms = Date.parse(v);
  else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw CommonErrors.invalidParameterValue(
      `Invalid value '${value}' for tag ${RESTORE_TIME_TAG}: give an ISO-8601 UTC time (2024-01-15T12:00:00Z) or epoch seconds.`);
  }
  return Math.floor(ms / 1000);
}

/** The source named by restore tags, when they ask for a point-in-time restore. */
async function restoreSource(svc: Services, tags: readonly TagLike[] | undefined): Promise<{ group: ReplicationGroupRecord; second: number } | undefined> {
  const source = tagValue(tags, RESTORE_SOURCE_TAG);
  const time = tagValue(tags, RESTORE_TIME_TAG);
  if (source === undefined && time === undefined) return undefined;
  if (source === undefined || time === undefined || source === '') {
    throw CommonErrors.invalidParameterCombination(
      `A point-in-time restore needs both tags: ${RESTORE_SOURCE_TAG} (the source replication group) and ${RESTORE_TIME_TAG} (the time).`);
  }
  const second = parseRestoreTime(time);
  const g = (await getGroup(svc.store, source.toLowerCase()))?.doc;
  if (!g || g.deleteRequested) throw fault('ReplicationGroupNotFoundFault', `Replication group ${source} not found.`);
  const sourceTags = (await svc.store.get('tags', g.arn))?.doc.tags;
  if (!pointInTimeEnabled(sourceTags)) {
    throw CommonErrors.invalidParameterValue(
      `Replication group ${g.id} keeps no point-in-time archive: tag it ${PITR_TAG}=enabled first (restores reach back to when the tag was set).`);
  }
  return { group: g, second };
}

/**
 * A restore without a shape of its own from a cluster-mode-enabled source gets the source's
 * number of node groups (as a snapshot restore gets the snapshot's). Undefined: no such restore.
 */
export async function pointInTimeShardCount(svc: Services, tags: readonly TagLike[] | undefined): Promise<number | undefined> {
  const source = tagValue(tags, RESTORE_SOURCE_TAG);
  if (!source) return undefined;
  const g = (await getGroup(svc.store, source.toLowerCase()))?.doc;
  return g?.clusterEnabled ? (g.nodeGroups ?? []).length : undefined;
}

/**
 * Validates a point-in-time restore into a new group (`target.clusterMode`: it has cluster mode
 * enabled) and returns what the restore records; undefined when the tags ask for none. The time
 * must be restorable in every shard's archive, else InvalidParameterValue listing what is.
 */
export async function planPointInTimeRestore(svc: Services, tags: readonly Tag[] | undefined,
  target: { clusterMode: boolean; what: string; otherSource: boolean }): Promise<PointInTimeRestoreRequest | undefined> {
  if (tagValue(tags, RESTORE_SOURCE_TAG) === undefined && tagValue(tags, RESTORE_TIME_TAG) === undefined) return undefined;
  if (target.what !== 'replication group') {
    throw CommonErrors.invalidParameterValue(`A point-in-time restore creates a replication group; a ${target.what} cannot be seeded from one.`);
  }
  if (target.otherSource) {
    throw CommonErrors.invalidParameterCombination('A point-in-time restore (tags cachefleet:restore-*) cannot be combined with SnapshotName or SnapshotArns.');
  }
  const found = (await restoreSource(svc, tags))!;
  const { group: g, second } = found;
  if (g.clusterEnabled && !target.clusterMode) {
    throw CommonErrors.invalidParameterCombination(
      `Replication group ${g.id} has cluster mode enabled; it cannot be restored into a replication group with cluster mode disabled.`);
  }
  const root = archiveRoot(g);
  const current = shardIds(g);
  const now = svc.now().getTime();
  const windows = intersectCoverage(await Promise.all(current.map((s) => svc.backups.archiveCoverage(archivePrefix(root, s), now))));
  try {
    requireCovered(windows, second);
  } catch (e) {
    if (!(e instanceof PointInTimeNotCoveredError)) throw e;
    const list = e.reason === 'gap' ? '' : `; restorable times of replication group ${g.id}: ${describeCoverage(windows)}`;
    throw CommonErrors.invalidParameterValue(`Invalid ${RESTORE_TIME_TAG}: ${e.message}${list}.`);
  }
  const removed = await removedShardsAt(svc, root, current, second, now);
  return {
    sourceGroup: g.id, archive: root, shards: [...current, ...removed].sort(), time: new Date(second * 1000).toISOString(),
    encrypted: g.atRestEncryptionEnabled && !!g.kmsKey,
  };
}

/**
 * Shards a resharding removed since, which held keys at `second`: their archives (kept until the
 * group goes) are replayed too. One whose archive has a gap there makes the time unrestorable; one
 * whose archive ends before it (removed by then) or begins after it (added later) had none.
 */
async function removedShardsAt(svc: Services, root: string, current: string[], second: number, now: number): Promise<string[]> {
  const out: string[] = [];
  const ms = second * 1000;
  for (const s of (await svc.backups.archiveShards(root)).filter((id) => !current.includes(id))) {
    const w = await svc.backups.archiveCoverage(archivePrefix(root, s), now);
    if (w.some((x) => x.from.getTime() <= ms && ms <= x.to.getTime())) out.push(s);
    else if (w.length && w[0]!.from.getTime() < ms && ms < w[w.length - 1]!.to.getTime()) {
      throw CommonErrors.invalidParameterValue(`Invalid ${RESTORE_TIME_TAG}: node group ${s}, removed since, has a gap in its ` +
        `point-in-time archive at ${new Date(ms).toISOString()}; its restorable times: ${describeCoverage(w)}.`);
    }
  }
  return out;
}
