import type { Readable } from 'node:stream';
import { getCluster, getGroup, getSnapshot, listClusters, type CacheClusterRecord, type NodeSnapshotRecord, type SnapshotSpec } from '../../store/index.js';
import { forEachLimit } from '../../util/concurrency.js';
import { waitCaughtUp } from '../../failover/catch-up.js';
import { captureMembers, shardPrimaries } from './capture-nodes.js';
import { checkpoint, DEFAULT_MAX_ATTEMPTS, reason, type BackupDeps } from './deps.js';
import { snapshotObjectKey, snapshotPrefix } from './objects.js';
import { sourceWords, writeSnapshotStatus } from './snapshot-writes.js';
import { announce } from './announce.js';

/** Shards captured at once: each is a full sync from one node, so a few at a time keep the disk and the network busy, not flooded. */
const SHARDS_AT_ONCE = 4;
/** How long a shard's replica may take to catch up with its primary before the primary is captured instead. */
const CATCH_UP_MS = 10_000;

/**
 * Takes a snapshot, one persisted step at a time, each safe to repeat:
 * started (attempt counted, owner recorded) → for each shard: the node chosen (a replica once it
 * has caught up with its primary), its RDB streamed (capture, CRC checked), compressed and
 * encrypted (encode), written to the store (put), then recorded in the status → every file
 * present → `available` → announced (announce.ts).
 * A run cut short by a restart of the service is run again by the next controller: shards already
 * recorded (with their file present) are kept, the others taken again; after a few interrupted
 * runs the snapshot fails instead. Any error fails it, with an event, its files removed.
 */
export async function runBackup(d: BackupDeps, name: string): Promise<void> {
  const v = await getSnapshot(d.svc.store, name);
  if (!v || v.spec.deleteRequested || v.doc.work.status !== 'creating') return;
  const spec = v.spec;
  const attempts = v.doc.work.attempts + 1;
  const max = d.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (attempts > max) {
    await failBackup(d, spec, `the backup was interrupted ${attempts - 1} times (the service restarted while it ran)`);
    return;
  }
  const src = sourceWords(spec);
  await writeSnapshotStatus(d, name, (w) => ({ ...w, attempts, owner: d.owner }),
    attempts === 1 ? [d.svc.events.event(src.type, src.id, `Snapshot started for snapshot with ID '${name}' of ${src.words}`)] : []);
  await checkpoint(d, 'backup:started');
  try {
    await captureShards(d, spec);
    const files = await d.io.storage.snapshots.list(snapshotPrefix(spec));
    const written = await writeSnapshotStatus(d, name, (w) => {
      const missing = spec.config.shards.filter((s) => !w.nodeSnapshots.some((n) => n.nodeGroupId === s.id && files.some((f) => f.key === n.objectKey)));
      if (missing.length) throw new Error(`the files of node group(s) ${missing.map((s) => s.id).join(', ')} are missing from the snapshot store`);
      return { ...w, status: 'available', completedAt: d.svc.now().toISOString() };
    });
    if (!written) return; // deleted meanwhile: nothing more to say
    await checkpoint(d, 'backup:available');
    await announce(d, name);
  } catch (err) {
    d.logger.warn({ err, snapshot: name }, 'snapshot failed');
    await failBackup(d, spec, reason(err));
  }
}

/** Captures every shard not yet recorded, a few at once; the first error is thrown once all have stopped. */
async function captureShards(d: BackupDeps, spec: SnapshotSpec): Promise<void> {
  const group = spec.config.replicationGroupId ? await getGroup(d.svc.store, spec.config.replicationGroupId) : undefined;
  const cluster = !spec.config.replicationGroupId && spec.config.cacheClusterId ? await getCluster(d.svc.store, spec.config.cacheClusterId) : undefined;
  if (!group && !cluster) throw new Error('its source no longer exists');
  const clusters = new Map((await listClusters(d.svc.store)).map((c) => [c.id, c.doc]));
  const members = captureMembers(spec, group?.doc, clusters);
  const primaries = shardPrimaries(spec, group?.doc, clusters);
  const current = (await getSnapshot(d.svc.store, spec.name))?.doc.work.nodeSnapshots ?? [];
  const todo: string[] = [];
  for (const shard of spec.config.shards) {
    const done = current.find((n) => n.nodeGroupId === shard.id);
    if (done && (await d.io.storage.snapshots.head(done.objectKey))) continue;
    todo.push(shard.id);
  }
  const errors: unknown[] = [];
  // Status writes of one job go one after another (they rewrite the same record).
  let records = Promise.resolve();
  await forEachLimit(todo, SHARDS_AT_ONCE, async (shardId) => {
    try {
      const chosen = members.get(shardId);
      if (!chosen) throw new Error(`no node of node group ${shardId} answers`);
      const member = await upToDate(d, spec, shardId, chosen, primaries.get(shardId));
      await checkpoint(d, `backup:source:${shardId}`);
      const entry = await captureShard(d, spec, shardId, member);
      await checkpoint(d, `backup:written:${shardId}`);
      records = records.then(() => recordShard(d, spec.name, entry));
      await records;
      await checkpoint(d, `backup:recorded:${shardId}`);
    } catch (err) {
      errors.push(err);
    }
  });
  if (errors.length) throw errors[0];
}

/**
 * The member to capture once it has every write its primary had a moment ago: a replica is
 * waited for until its replication offset reaches the primary's (so a write acknowledged before
 * CreateSnapshot is in the snapshot), and passed over for the primary when it does not within
 * {@link CATCH_UP_MS}. When the primary cannot be read (at the start, or by then), the replica is
 * all there is.
 */
async function upToDate(d: BackupDeps, spec: SnapshotSpec, shardId: string, member: CacheClusterRecord,
  primary: CacheClusterRecord | undefined): Promise<CacheClusterRecord> {
  if (!d.observe || !primary || primary.id === member.id) return member;
  const t0 = Date.now();
  const r = await waitCaughtUp(d.observe, primary, member, {
    timeoutMs: d.catchUpMs ?? CATCH_UP_MS, pollMs: 20, cancelled: () => d.stopped?.() ?? false,
    onError: (err) => d.logger.debug({ err, snapshot: spec.name, shard: shardId }, 'could not compare replication offsets'),
  });
  const waited = Date.now() - t0;
  if (d.stopped?.()) return member; // the checkpoint after this stops the job
  // A primary gone meanwhile (killed, failed over) leaves its replica the best copy there is.
  if (r === 'behind' && !(await d.observe(primary).then(() => true, () => false))) {
    d.logger.warn({ snapshot: spec.name, shard: shardId, replica: member.id, primary: primary.id },
      `snapshot '${spec.name}': the primary ${primary.id} stopped answering while replica ${member.id} caught up; node group ${shardId} is taken from the replica as it is`);
    return member;
  }
  if (r === 'behind') {
    d.logger.warn({ snapshot: spec.name, shard: shardId, replica: member.id, primary: primary.id, waitedMs: waited },
      `snapshot '${spec.name}': replica ${member.id} had not caught up with its primary after ${(waited / 1000).toFixed(1)} s; node group ${shardId} is taken from the primary ${primary.id}`);
    return primary;
  }
  if (waited >= 100) d.logger.info({ snapshot: spec.name, shard: shardId, replica: member.id, waitedMs: waited }, `snapshot '${spec.name}': waited ${waited} ms for replica ${member.id} to catch up with its primary`);
  return member;
}

async function captureShard(d: BackupDeps, spec: SnapshotSpec, shardId: string, member: CacheClusterRecord): Promise<NodeSnapshotRecord> {
  const node = member.nodes[0]!;
  const key = snapshotObjectKey(spec, shardId);
  const capture = d.io.capture({ address: node.address, port: node.port, ...d.nodeOptions(node.address, node.port) });
  let encoded: Readable | undefined;
  try {
    encoded = d.io.encode(capture.stream, { compress: true, ...(spec.kmsKey ? { key: spec.kmsKey } : {}) });
    const [stored, rdb] = await Promise.all([d.io.storage.snapshots.put(key, encoded), capture.done]);
    return {
      nodeGroupId: shardId, cacheClusterId: member.id, cacheNodeId: node.id, cacheNodeCreateTime: node.createdAt,
      objectKey: key, rdbBytes: rdb.bytes, storedBytes: stored.bytes, snapshotCreateTime: d.svc.now().toISOString(),
    };
  } catch (err) {
    capture.stream.destroy();
    encoded?.destroy();
    await d.io.storage.snapshots.delete(key).catch(() => undefined);
    throw new Error(`node group ${shardId} (from ${member.id}): ${reason(err)}`, { cause: err });
  }
}

async function recordShard(d: BackupDeps, name: string, entry: NodeSnapshotRecord): Promise<void> {
  await writeSnapshotStatus(d, name, (w) => ({
    ...w, nodeSnapshots: [...w.nodeSnapshots.filter((n) => n.nodeGroupId !== entry.nodeGroupId), entry].sort((a, b) => (a.nodeGroupId < b.nodeGroupId ? -1 : 1)),
  }));
}

/** Marks the snapshot failed, with the reason (its files go when the outcome is announced). */
export async function failBackup(d: BackupDeps, spec: SnapshotSpec, why: string): Promise<void> {
  await writeSnapshotStatus(d, spec.name, (w) => ({ ...w, status: 'failed', failureReason: why, nodeSnapshots: [], completedAt: d.svc.now().toISOString() }));
  await announce(d, spec.name);
}
