import type { Readable } from 'node:stream';
import { exportObjectKeys } from '../../snapshots/export-keys.js';
import { getSnapshot, type NodeSnapshotRecord, type SnapshotHold, type SnapshotSpec } from '../../store/index.js';
import { checkpoint, DEFAULT_MAX_ATTEMPTS, reason, type BackupDeps } from './deps.js';
import { snapshotObjectKey } from './objects.js';
import { announce } from './announce.js';
import { sourceWords, writeSnapshotSpec, writeSnapshotStatus } from './snapshot-writes.js';

/**
 * CopySnapshot's two halves. A copy (a new snapshot kept by the service) rewrites each file of
 * the source under the copy's own key, then turns `available`; an export writes each shard's
 * RDB to the bucket as `<name>-0001.rdb`, … Both are safe to run again from the start (objects
 * are replaced whole), so one cut short by a restart is simply run again.
 */

/** A file of `source` as the copy must store it: the same bytes when the key is the same, else decoded and framed again. */
function reframed(d: BackupDeps, file: Readable, source: SnapshotSpec, kmsKey: SnapshotSpec['kmsKey']): Readable {
  if (source.kmsKey?.id === kmsKey?.id) return file;
  return d.io.encode(d.io.decode(file, { requireEncryption: !!source.kmsKey }), { compress: true, ...(kmsKey ? { key: kmsKey } : {}) });
}

export async function runCopy(d: BackupDeps, name: string): Promise<void> {
  const v = await getSnapshot(d.svc.store, name);
  if (!v || v.spec.deleteRequested || v.doc.work.status !== 'creating' || v.spec.origin.kind !== 'copy') return;
  const spec = v.spec;
  const attempts = v.doc.work.attempts + 1;
  try {
    if (attempts > (d.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) throw new Error(`the copy was interrupted ${attempts - 1} times (the service restarted while it ran)`);
    await writeSnapshotStatus(d, name, (w) => ({ ...w, attempts, owner: d.owner }));
    await checkpoint(d, 'copy:started');
    const sourceName = (spec.origin as { sourceSnapshot: string }).sourceSnapshot;
    const source = await getSnapshot(d.svc.store, sourceName);
    if (!source || source.doc.work.status !== 'available') throw new Error(`its source snapshot ${sourceName} is no longer available`);
    const files: NodeSnapshotRecord[] = [];
    for (const n of source.doc.work.nodeSnapshots) {
      const key = snapshotObjectKey(spec, n.nodeGroupId);
      const stored = await d.io.storage.snapshots.put(key, reframed(d, await d.io.storage.snapshots.get(n.objectKey), source.spec, spec.kmsKey));
      files.push({ ...n, objectKey: key, storedBytes: stored.bytes });
      await checkpoint(d, `copy:written:${n.nodeGroupId}`);
    }
    await writeSnapshotStatus(d, name, (w) => ({ ...w, nodeSnapshots: files, status: 'available', completedAt: d.svc.now().toISOString() }));
    await checkpoint(d, 'copy:available');
  } catch (err) {
    d.logger.warn({ err, snapshot: name }, 'snapshot copy failed');
    await writeSnapshotStatus(d, name, (w) => ({ ...w, status: 'failed', failureReason: reason(err), nodeSnapshots: [], completedAt: d.svc.now().toISOString() }));
  }
  await announce(d, name);
}

/**
 * Exports an available snapshot to a bucket: per shard, the RDB itself when the snapshot is not
 * encrypted at rest, else the file framed and encrypted under the snapshot's key (encryption at
 * rest covers exports too). The hold is removed when done, whatever the outcome.
 */
export async function runExport(d: BackupDeps, sourceName: string, hold: SnapshotHold): Promise<void> {
  const v = await getSnapshot(d.svc.store, sourceName);
  if (!v || !v.spec.holds?.some((h) => sameHold(h, hold))) return;
  const spec = v.spec;
  try {
    if (v.doc.work.status !== 'available') throw new Error(`snapshot ${sourceName} is ${v.doc.work.status}`);
    const bucket = d.io.storage.bucket(hold.bucket!);
    const keys = exportObjectKeys(hold.by, v.doc.work.nodeSnapshots.length);
    for (const [i, n] of v.doc.work.nodeSnapshots.entries()) {
      const rdb = d.io.decode(await d.io.storage.snapshots.get(n.objectKey), { requireEncryption: !!spec.kmsKey });
      await bucket.put(keys[i]!, spec.kmsKey ? d.io.encode(rdb, { compress: false, key: spec.kmsKey }) : rdb);
      await checkpoint(d, `export:written:${n.nodeGroupId}`);
    }
    await d.svc.events.emit(sourceWords(spec).type, sourceWords(spec).id,
      `Snapshot export succeeded: snapshot with ID '${sourceName}' exported to bucket ${hold.bucket} as ${keys.join(', ')}`);
  } catch (err) {
    d.logger.warn({ err, snapshot: sourceName, bucket: hold.bucket }, 'snapshot export failed');
    await d.svc.events.emit(sourceWords(spec).type, sourceWords(spec).id,
      `Snapshot export failed for snapshot with ID '${sourceName}' to bucket ${hold.bucket}: ${reason(err)}`, 'warn');
  }
  await writeSnapshotSpec(d, sourceName, (s) => ({ ...s, holds: (s.holds ?? []).filter((h) => !sameHold(h, hold)) }));
}

export function sameHold(a: SnapshotHold, b: SnapshotHold): boolean {
  return a.kind === b.kind && a.by === b.by && a.bucket === b.bucket;
}

