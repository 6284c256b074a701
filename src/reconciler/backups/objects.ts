import type { SnapshotSpec } from '../../store/index.js';

/**
 * Where a snapshot's files live in the snapshot store: under `<name>/<uid>/`, one
 * `<node group>.rdb` per shard. The uid is the record's own, so a snapshot that reuses a deleted
 * one's name never meets its files.
 */
export function snapshotPrefix(s: Pick<SnapshotSpec, 'name' | 'uid'>): string {
  return `${s.name}/${s.uid}/`;
}

export function snapshotObjectKey(s: Pick<SnapshotSpec, 'name' | 'uid'>, nodeGroupId: string): string {
  return `${snapshotPrefix(s)}${nodeGroupId}.rdb`;
}
