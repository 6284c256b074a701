import { getSnapshot } from '../../store/index.js';
import type { BackupDeps } from './deps.js';
import { snapshotPrefix } from './objects.js';
import { clearSnapshotting, sourceWords, writeSnapshotStatus } from './snapshot-writes.js';

/**
 * The last step of a snapshot's work, once its outcome is recorded (`available` or `failed`):
 * a failed snapshot's files are removed, its source's `snapshotting` marker is cleared, the
 * outcome is told in ElastiCache's words, and the status records that it was. A controller that
 * finds an outcome not yet announced (its job was cut short after recording it) announces it.
 */
export async function announce(d: BackupDeps, name: string): Promise<void> {
  const v = await getSnapshot(d.svc.store, name);
  if (!v || v.doc.work.status === 'creating' || v.doc.work.announced) return;
  const spec = v.spec;
  const failed = v.doc.work.status === 'failed';
  if (failed) {
    for (const f of await d.io.storage.snapshots.list(snapshotPrefix(spec))) await d.io.storage.snapshots.delete(f.key);
  }
  await clearSnapshotting(d, spec);
  const src = sourceWords(spec);
  if (spec.origin.kind === 'copy') {
    await d.svc.events.emit(src.type, src.id, failed
      ? `Snapshot copy failed for snapshot with ID '${name}' (from snapshot '${spec.origin.sourceSnapshot}'): ${v.doc.work.failureReason}`
      : `Snapshot copy succeeded for snapshot with ID '${name}' (from snapshot '${spec.origin.sourceSnapshot}')`, failed ? 'warn' : 'info');
  } else {
    await d.svc.events.emit(src.type, src.id, failed
      ? `Snapshot failed for snapshot with ID '${name}' of ${src.words}: ${v.doc.work.failureReason}`
      : `Snapshot succeeded for snapshot with ID '${name}' of ${src.words}`, failed ? 'warn' : 'info');
  }
  await writeSnapshotStatus(d, name, (w) => ({ ...w, announced: true }));
}
