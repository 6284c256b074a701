import type { SnapshotRecord, SnapshotSpec, SnapshotStatus, SnapshotStatusRecord } from './snapshot-records.js';
import { SplitKind, type View } from './split-kind.js';
import type { ListPage, StateStore, WriteOp } from './types.js';

/**
 * The merged view of a snapshot (see snapshot-records.ts) and the writes of each half: the spec
 * at the version read (API handlers; the controller's transitions such as removing a finished
 * hold), the status at its own version (the snapshot controller).
 */
export type SnapshotView = View<SnapshotSpec, SnapshotStatusRecord, SnapshotRecord>;

/** The status half before the controller wrote one: nothing done yet. */
export function initialSnapshotStatus(name: string): SnapshotStatusRecord {
  return { name, status: 'creating', nodeSnapshots: [], attempts: 0 };
}

/**
 * The status DescribeSnapshots shows: `deleting` once deletion was asked for; an available
 * snapshot a new group is being restored from shows `restoring`, one being copied or exported
 * `copying` (the holds of its spec); otherwise what the controller observed.
 */
export function presentedSnapshotStatus(spec: SnapshotSpec, work: SnapshotStatusRecord): SnapshotStatus {
  if (spec.deleteRequested) return 'deleting';
  if (work.status !== 'available') return work.status;
  if (spec.holds?.some((h) => h.kind === 'restore')) return 'restoring';
  if (spec.holds?.length) return 'copying';
  return 'available';
}

export function mergeSnapshot(spec: SnapshotSpec, status: SnapshotStatusRecord | undefined): SnapshotRecord {
  const work = status ?? initialSnapshotStatus(spec.name);
  return structuredClone({ ...spec, status: presentedSnapshotStatus(spec, work), work });
}

const SNAPSHOTS = new SplitKind('snapshot', 'snapshotStatus', mergeSnapshot);

export async function getSnapshot(store: Pick<StateStore, 'get'>, name: string): Promise<SnapshotView | undefined> {
  return SNAPSHOTS.get(store, name);
}

export async function listSnapshots(store: Pick<StateStore, 'list'>): Promise<SnapshotView[]> {
  return SNAPSHOTS.list(store);
}

/** One page of snapshots in name order: the page's specs, then the status records of just those. */
export async function listSnapshotsPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<SnapshotView[]> {
  return SNAPSHOTS.listPage(store, page);
}

/** Creates a snapshot's spec half (the status half is the controller's to create). */
export function snapshotCreate(spec: SnapshotSpec): WriteOp {
  return SNAPSHOTS.create(spec.name, structuredClone(spec));
}

/** The op writing the spec half as `next`, at the version read (none when unchanged). */
export function snapshotSpecWrite(v: SnapshotView, next: SnapshotSpec): WriteOp[] {
  return SNAPSHOTS.specWrite(v, structuredClone(next));
}

/** The op writing the status half as `next`, at the version read (none when unchanged). */
export function snapshotStatusWrite(v: SnapshotView, next: SnapshotStatusRecord): WriteOp[] {
  return SNAPSHOTS.statusWrite(v, structuredClone(next));
}

/** Removes both halves (the spec at the version read). */
export function snapshotDelete(v: SnapshotView): WriteOp[] {
  return SNAPSHOTS.remove(v);
}
