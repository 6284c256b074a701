import { getSnapshot, type StateStore } from '../../store/index.js';

/**
 * Where a deletion with a final snapshot stands: `wait` while the snapshot is being taken (the
 * nodes must keep running), `proceed` once it is available (or when there is none), `cancel` when
 * it failed or is gone: the deletion is called off and the group or cluster stays, so its data is
 * never lost for want of a backup.
 */
export async function finalSnapshotGate(store: Pick<StateStore, 'get'>, name: string | undefined): Promise<'proceed' | 'wait' | 'cancel'> {
  if (!name) return 'proceed';
  const s = await getSnapshot(store, name);
  if (!s || s.spec.deleteRequested || s.doc.work.status === 'failed') return 'cancel';
  return s.doc.work.status === 'available' ? 'proceed' : 'wait';
}
