import type { Readable } from 'node:stream';
import {
  CorruptSnapshotError, ObjectNotFoundError, RestoreTooLargeError,
} from '../../snapshots/types.js';
import {
  clusterStatusWrite, getCluster, getGroup, groupStatusWrite, listClusters,
  type CacheClusterRecord, type EventRecord, type ReplicationGroupRecord, type RestoreState,
} from '../../store/index.js';
import { checkpoint, commitFresh, DEFAULT_MAX_ATTEMPTS, reason, type BackupDeps } from './deps.js';
import { restoreProgressLog } from './restore-progress.js';
import { seedPlan, type SeedPlan } from './restore-seed-plan.js';
import { dataMemoryBytes, RestoreSourceError, restoreSources, targetShards } from './restore-sources.js';

/** A new group (or standalone cluster) being seeded from a snapshot or RDB files. */
export type RestoreTarget = { kind: 'group' | 'cluster'; id: string };

/**
 * Loads a restore's data into a new group once its nodes run (the group controller then marks the
 * restore `waiting`), before the group may turn available: `loading` (attempt counted, owner
 * recorded) → the engine loads every file into the shards' primaries, each key into its slot's
 * shard (or, into cluster-mode shards of the snapshot's shape, each primary restarted on its own
 * shard's file, the members recorded in `seeding` first so the group controller leaves them
 * alone: restore-seed-plan.ts) → `done` (the group controller turns it `available`). Data that does not fit, a file
 * that was tampered with or is missing fail it for good: the group ends `restore-failed`, with an
 * event, never `available` half-loaded. Other errors (a node restarting) and a run cut short by a
 * restart of the service run it again from the beginning (loading replaces keys, so a second run
 * converges to the same data), a few times at most.
 */
export async function runRestore(d: BackupDeps, target: RestoreTarget): Promise<void> {
  const doc = await read(d, target);
  const st = doc?.restoreState;
  if (!doc?.restore || !st || (st.state !== 'waiting' && st.state !== 'loading')) return;
  const attempts = st.attempts + 1;
  const max = d.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const what = target.kind === 'group' ? `replication group with ID '${target.id}'` : `cache cluster with ID '${target.id}'`;
  const pit = doc.restore.pointInTime;
  const from = pit ? `the point-in-time archive of replication group '${pit.sourceGroup}' at ${pit.time.replace('.000Z', 'Z')}`
    : doc.restore.snapshotName ? `snapshot '${doc.restore.snapshotName}'` : `${doc.restore.snapshotArns?.length ?? 0} RDB file(s) in S3`;
  if (attempts > max) {
    await fail(d, target, attempts - 1, `the restore was interrupted or failed ${attempts - 1} times${st.error ? ` (last: ${st.error})` : ''}`, what, from);
    return;
  }
  const type = target.kind === 'group' ? 'replication-group' as const : 'cache-cluster' as const;
  // Members a cut-short attempt was seeding stay held (down, maybe) until this one has ended.
  const held = st.seeding ? { seeding: st.seeding } : {};
  await write(d, target, { state: 'loading', attempts, owner: d.owner, ...held }, undefined,
    attempts === 1 ? [d.svc.events.event(type, target.id, `Restore from ${from} started for ${what}`)] : []);
  await checkpoint(d, 'restore:loading');
  let seed: SeedPlan | undefined;
  try {
    const current = (await read(d, target))!;
    const clusters = new Map((await listClusters(d.svc.store)).map((c) => [c.id, c.doc]));
    const sources = await restoreSources(d, current.restore!);
    seed = target.kind === 'group' ? await seedPlan(d, current as ReplicationGroupRecord, sources.trusted) : undefined;
    const shards = targetShards(d, target.kind === 'group' ? { group: current as ReplicationGroupRecord } : { cluster: current as CacheClusterRecord },
      clusters, seed?.members);
    if (seed) {
      // Recorded before any node is restarted: the group controller leaves them alone from here.
      await write(d, target, { state: 'loading', attempts, owner: d.owner, seeding: seed.members });
      await checkpoint(d, 'restore:seeding');
    }
    const members = seed?.members;
    const hooks = members && d.seed ? { seed: { restart: (i: number, rdb: Readable, signal: AbortSignal) => d.seed!(members[i]!, rdb, signal) } } : {};
    const group = (await d.svc.store.get('cacheParameterGroup', current.cacheParameterGroupName))?.doc;
    const maxMemoryBytesPerShard = dataMemoryBytes(current.cacheNodeType, group?.family ?? 'redis7', group?.values ?? {});
    const onProgress = restoreProgressLog(d.logger.child({ [target.kind === 'group' ? 'group' : 'cluster']: target.id }), {
      what: target.kind === 'group' ? `replication group '${target.id}'` : `cache cluster '${target.id}'`,
      shards: shards.length,
      now: () => d.svc.now().getTime(),
    });
    const result = await d.io.restore(sources.open, shards, { maxMemoryBytesPerShard, trustedSources: sources.trusted, onProgress, ...hooks })
      .finally(() => sources.close());
    await checkpoint(d, 'restore:loaded');
    await write(d, target, { state: 'done', attempts, keys: result.keys, bytes: result.bytes }, undefined,
      [d.svc.events.event(type, target.id, `Restore from ${from} succeeded for ${what}: ${result.keys} keys loaded`)]);
  } catch (err) {
    const terminal = err instanceof RestoreTooLargeError || err instanceof CorruptSnapshotError ||
      err instanceof ObjectNotFoundError || err instanceof RestoreSourceError;
    d.logger.warn({ err, target: target.id, attempts, terminal }, 'restore did not complete');
    if (terminal || attempts >= max) await fail(d, target, attempts, reason(err), what, from);
    else await write(d, target, { state: 'waiting', attempts, error: reason(err), ...(seed ? { seeding: seed.members } : held) });
  }
  d.kick();
}

async function read(d: BackupDeps, t: RestoreTarget): Promise<ReplicationGroupRecord | CacheClusterRecord | undefined> {
  return t.kind === 'group' ? (await getGroup(d.svc.store, t.id))?.doc : (await getCluster(d.svc.store, t.id))?.doc;
}

/**
 * Writes the restore state (and, when given, the status) into the target's status half, with
 * `events` in the same commit (each told exactly once).
 */
async function write(d: BackupDeps, t: RestoreTarget, state: RestoreState, status?: 'restore-failed', events: EventRecord[] = []): Promise<void> {
  await commitFresh(async () => {
    if (t.kind === 'group') {
      const v = await getGroup(d.svc.store, t.id);
      if (v) await d.svc.store.commit(groupStatusWrite(v, { ...v.doc, restoreState: state, ...(status ? { status } : {}) }), { events });
      return;
    }
    const v = await getCluster(d.svc.store, t.id);
    if (v) await d.svc.store.commit(clusterStatusWrite(v, { ...v.doc, restoreState: state, ...(status ? { status } : {}) }), { events });
  });
}

async function fail(d: BackupDeps, t: RestoreTarget, attempts: number, why: string, what: string, from: string): Promise<void> {
  const type = t.kind === 'group' ? 'replication-group' as const : 'cache-cluster' as const;
  await write(d, t, { state: 'failed', attempts, error: why }, 'restore-failed',
    [d.svc.events.event(type, t.id, `Restore from ${from} failed for ${what}: ${why}`, 'warn')]);
}
