import { getSnapshot } from '../../store/index.js';
import type { BackupDeps } from './deps.js';
import { snapshotPrefix } from './objects.js';
import { clearSnapshotting, sourceWords, writeSnapshotStatus } from './snapshot-writes.js';

/**
 * The last step of a snapshot's work, once its outcome is recorded (`available` or `failed`):
 * a failed snapshot's files are removed, its source's `snapshotting` marker is cleared, the
 * outcome is told in ElastiCache's words, in the commit that records that it was. A controller
 * that finds an outcome not yet announced (its job was cut short after recording it) announces it.
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
  const why = v.doc.work.failureReason;
  const message = spec.origin.kind === 'copy'
    ? failed
      ? `Snapshot copy failed for snapshot with ID '${name}' (from snapshot '${spec.origin.sourceSnapshot}'): ${why}`
      : `Snapshot copy succeeded for snapshot with ID '${name}' (from snapshot '${spec.origin.sourceSnapshot}')`
    : failed
      ? `Snapshot failed for snapshot with ID '${name}' of ${src.words}: ${why}`
      : `Snapshot succeeded for snapshot with ID '${name}' of ${src.words}`;
  // Told in the commit that records it was: exactly once, whatever stops the process.
  await writeSnapshotStatus(d, name, (w) => (w.announced ? undefined : { ...w, announced: true }),
    [d.svc.events.event(src.type, src.id, message, failed ? 'warn' : 'info')]);
}
