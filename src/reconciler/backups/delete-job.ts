import { deleteTagOps } from '../../resources/tags.js';
import { getSnapshot, snapshotDelete } from '../../store/index.js';
import { checkpoint, commitFresh, type BackupDeps } from './deps.js';
import { snapshotPrefix } from './objects.js';

/**
 * Deletes a snapshot asked to be deleted: its files first, then its records and tags in one
 * commit. Run again after a restart, it finds fewer files (deleting an absent one is no error).
 */
export async function runDelete(d: BackupDeps, name: string): Promise<void> {
  const v = await getSnapshot(d.svc.store, name);
  if (!v?.spec.deleteRequested) return;
  for (const f of await d.io.storage.snapshots.list(snapshotPrefix(v.spec))) await d.io.storage.snapshots.delete(f.key);
  await checkpoint(d, 'delete:files');
  await commitFresh(async () => {
    const now = await getSnapshot(d.svc.store, name);
    if (!now?.spec.deleteRequested) return;
    await d.svc.store.commit([...snapshotDelete(now), ...(await deleteTagOps(d.svc.store, now.spec.arn))]);
  });
  d.logger.info({ snapshot: name }, 'snapshot deleted');
}
