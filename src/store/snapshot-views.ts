import type { SnapshotRecord, SnapshotSpec, SnapshotStatus, SnapshotStatusRecord } from './snapshot-records.js';
import type { ListPage, StateStore, Stored, WriteOp } from './types.js';
import { same } from './views.js';

/**
 * The merged view of a snapshot (see snapshot-records.ts) and the writes of each half: the spec
 * at the version read (API handlers; the controller's transitions such as removing a finished
 * hold), the status at its own version (the snapshot controller).
 */
export interface SnapshotView {
  id: string;
  version: number;
  statusVersion: number | undefined;
  spec: SnapshotSpec;
  status: SnapshotStatusRecord | undefined;
  doc: SnapshotRecord;
}

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

function view(s: Stored<'snapshot'>, st: Stored<'snapshotStatus'> | undefined): SnapshotView {
  return { id: s.id, version: s.version, statusVersion: st?.version, spec: s.doc, status: st?.doc, doc: mergeSnapshot(s.doc, st?.doc) };
}

export async function getSnapshot(store: Pick<StateStore, 'get'>, name: string): Promise<SnapshotView | undefined> {
  const [spec, status] = await Promise.all([store.get('snapshot', name), store.get('snapshotStatus', name)]);
  return spec ? view(spec, status) : undefined;
}

export async function listSnapshots(store: Pick<StateStore, 'list'>): Promise<SnapshotView[]> {
  const [specs, statuses] = await Promise.all([store.list('snapshot'), store.list('snapshotStatus')]);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  return specs.map((s) => view(s, byId.get(s.id)));
}

/** One page of snapshots in name order: the page's specs, then the status records of just those. */
export async function listSnapshotsPage(store: Pick<StateStore, 'list' | 'get'>, page: ListPage): Promise<SnapshotView[]> {
  const specs = await store.list('snapshot', page);
  const statuses = await Promise.all(specs.map((s) => store.get('snapshotStatus', s.id)));
  return specs.map((s, i) => view(s, statuses[i]));
}

/** Creates a snapshot's spec half (the status half is the controller's to create). */
export function snapshotCreate(spec: SnapshotSpec): WriteOp {
  return { op: 'create', kind: 'snapshot', id: spec.name, doc: structuredClone(spec) };
}

/** The op writing the spec half as `next`, at the version read (none when unchanged). */
export function snapshotSpecWrite(v: SnapshotView, next: SnapshotSpec): WriteOp[] {
  if (same(next, v.spec)) return [];
  return [{ op: 'update', kind: 'snapshot', id: v.id, doc: structuredClone(next), expectVersion: v.version }];
}

/** The op writing the status half as `next`, at the version read (none when unchanged). */
export function snapshotStatusWrite(v: SnapshotView, next: SnapshotStatusRecord): WriteOp[] {
  if (v.status && same(next, v.status)) return [];
  return [v.statusVersion === undefined
    ? { op: 'create', kind: 'snapshotStatus', id: v.id, doc: structuredClone(next) }
    : { op: 'update', kind: 'snapshotStatus', id: v.id, doc: structuredClone(next), expectVersion: v.statusVersion }];
}

/** Removes both halves (the spec at the version read). */
export function snapshotDelete(v: SnapshotView): WriteOp[] {
  return [{ op: 'delete', kind: 'snapshot', id: v.id, expectVersion: v.version },
    ...(v.statusVersion !== undefined ? [{ op: 'delete', kind: 'snapshotStatus', id: v.id } as const] : [])];
}
