import {
  getCluster, getGroup, getSnapshot, clusterSpecWrite, groupSpecWrite, snapshotSpecWrite, snapshotStatusWrite,
  type EventRecord, type SnapshotSpec, type SnapshotStatusRecord,
} from '../../store/index.js';
import { commitFresh, type BackupDeps } from './deps.js';

/**
 * The controller's writes of snapshot records and of the `snapshotting` marker of their sources,
 * each a read-modify-write at the versions read (see commitFresh).
 */

/**
 * A snapshot's status half as `mutate` makes it from the current one, with `events` stored in the
 * same commit (a crash stores both or neither, so each is told exactly once); false when the
 * snapshot is gone.
 */
export async function writeSnapshotStatus(d: BackupDeps, name: string,
  mutate: (work: SnapshotStatusRecord, spec: SnapshotSpec) => SnapshotStatusRecord | undefined, events: EventRecord[] = []): Promise<boolean> {
  let found = true;
  await commitFresh(async () => {
    const v = await getSnapshot(d.svc.store, name);
    if (!v) { found = false; return; }
    const next = mutate(structuredClone(v.doc.work), v.spec);
    if (next) await d.svc.store.commit(snapshotStatusWrite(v, next), { events });
  });
  return found;
}

/** A snapshot's spec half as `mutate` makes it (a transition of the controller: a finished hold removed). */
export async function writeSnapshotSpec(d: BackupDeps, name: string, mutate: (spec: SnapshotSpec) => SnapshotSpec | undefined): Promise<void> {
  await commitFresh(async () => {
    const v = await getSnapshot(d.svc.store, name);
    const next = v && mutate(structuredClone(v.spec));
    if (v && next) await d.svc.store.commit(snapshotSpecWrite(v, next));
  });
}

/**
 * Clears the `snapshotting` marker a snapshot set on its source (a spec transition at the spec's
 * version): the group or cluster shows its own status again. A marker naming another snapshot is left.
 */
export async function clearSnapshotting(d: BackupDeps, spec: SnapshotSpec): Promise<void> {
  const groupId = spec.config.replicationGroupId;
  if (groupId) await clearMarker(d, 'group', groupId, spec.name);
  else if (spec.config.cacheClusterId) await clearMarker(d, 'cluster', spec.config.cacheClusterId, spec.name);
}

/** Removes `snapshotting: name` from a group's or cluster's spec, if it is still there. */
export async function clearMarker(d: BackupDeps, kind: 'group' | 'cluster', id: string, name: string): Promise<void> {
  await commitFresh(async () => {
    if (kind === 'group') {
      const g = await getGroup(d.svc.store, id);
      if (g?.spec.snapshotting !== name) return;
      const { snapshotting: _done, ...rest } = g.doc;
      await d.svc.store.commit(groupSpecWrite(g, rest));
      return;
    }
    const c = await getCluster(d.svc.store, id);
    if (c?.spec.snapshotting !== name) return;
    const { snapshotting: _done, ...rest } = c.doc;
    await d.svc.store.commit(clusterSpecWrite(c, rest));
  });
}

/** How events name a snapshot's source: "replication group with ID 'x'" or "cache cluster with ID 'y'". */
export function sourceWords(spec: SnapshotSpec): { type: 'replication-group' | 'cache-cluster'; id: string; words: string } {
  const g = spec.config.replicationGroupId;
  if (g) return { type: 'replication-group', id: g, words: `replication group with ID '${g}'` };
  const c = spec.config.cacheClusterId ?? '';
  return { type: 'cache-cluster', id: c, words: `cache cluster with ID '${c}'` };
}
