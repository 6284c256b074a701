/**
 * Which shards' archives should be recording (pure): every shard of each replication group tagged
 * `cachefleet:point-in-time-restore=enabled` that is not being deleted, with what its archiver is
 * configured by. A change of that configuration (retention, key) restarts the shard's archiver,
 * which resumes its line by PSYNC.
 */
import { archivePrefix, archiveRetentionMs, archiveRoot, pointInTimeEnabled, shardIds } from '../../resources/point-in-time.js';
import type { KmsKeyRecord, ReplicationGroupRecord, Tag } from '../../store/index.js';

export interface DesiredArchive {
  /** `<group>/<node group>`. */
  key: string;
  groupId: string;
  nodeGroupId: string;
  root: string;
  prefix: string;
  retentionMs: number;
  kmsKey?: KmsKeyRecord;
  /** Equal while the archiver's configuration is unchanged. */
  fingerprint: string;
}

export function desiredArchives(groups: readonly ReplicationGroupRecord[], tagsOf: (arn: string) => readonly Tag[] | undefined): DesiredArchive[] {
  const out: DesiredArchive[] = [];
  for (const g of groups) {
    if (g.deleteRequested || !pointInTimeEnabled(tagsOf(g.arn))) continue;
    const root = archiveRoot(g);
    const retentionMs = archiveRetentionMs(g.snapshotRetentionLimit);
    const kmsKey = g.atRestEncryptionEnabled ? g.kmsKey : undefined;
    for (const nodeGroupId of shardIds(g)) {
      out.push({
        key: `${g.id}/${nodeGroupId}`, groupId: g.id, nodeGroupId, root, prefix: archivePrefix(root, nodeGroupId), retentionMs,
        ...(kmsKey ? { kmsKey } : {}), fingerprint: `${retentionMs}:${kmsKey?.id ?? '-'}:${root}`,
      });
    }
  }
  return out;
}

/** The group a root (`_pitr/<group>/<ms>/`) belongs to. */
export function groupOfRoot(root: string): string {
  return root.split('/')[1] ?? '';
}
