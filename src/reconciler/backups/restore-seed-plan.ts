/**
 * Whether a restore may seed the new group's primaries (each restarted on its own shard's file,
 * snapshots/engine/seed.ts) rather than move every key into them: the target is a cluster-mode
 * group of the snapshot's own shape (as many shards, shard i owning exactly the slots source
 * shard i owned), the snapshot is one of the service's own (its files trusted: RestoreSources),
 * and the node provider can restart a node on data. Otherwise the general way moves the keys.
 */
import { formatSlots, normalizeRanges, parseSlots } from '../../engine/cluster-nodes.js';
import { getSnapshot, type ReplicationGroupRecord } from '../../store/index.js';
import type { BackupDeps } from './deps.js';

/** The members (cache cluster ids) whose nodes are restarted, shard by shard in the order the sources are. */
export interface SeedPlan { members: string[] }

export async function seedPlan(d: BackupDeps, g: ReplicationGroupRecord, trusted: boolean): Promise<SeedPlan | undefined> {
  const name = g.restore?.snapshotName;
  if (!d.seed || !g.clusterEnabled || !name || !trusted || !g.nodeGroups?.length) return undefined;
  const v = await getSnapshot(d.svc.store, name);
  if (!v?.spec.config.clusterEnabled) return undefined;
  // The sources are the snapshot's files in node group order (restore-sources.ts).
  const files = [...v.doc.work.nodeSnapshots].sort((a, b) => (a.nodeGroupId < b.nodeGroupId ? -1 : 1));
  if (files.length !== g.nodeGroups.length) return undefined;
  const same = files.every((f, i) => {
    const source = v.spec.config.shards.find((s) => s.id === f.nodeGroupId)?.slots;
    const target = g.nodeGroups![i]!.slots;
    return source !== undefined && canonical(source) === canonical(target);
  });
  return same ? { members: g.nodeGroups.map((ng) => ng.primaryClusterId) } : undefined;
}

const canonical = (slots: string) => formatSlots(normalizeRanges(parseSlots(slots)));
