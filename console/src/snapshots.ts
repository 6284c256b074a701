// What the console's snapshot actions send and show (pure: tested without a browser, against the
// API's own decoder): a restore request built from a snapshot's shape, a snapshot's size and time,
// and which field an API error is about.
import type { Params } from './metric-queries.js';
import type { Snapshot } from './types.js';

/** The restore form's values. */
export interface RestoreValues {
  /** The new replication group's id. */
  groupId: string;
  /** TLS in transit (offered on when the source group has it: a restore should not drop it silently). */
  inTransit: boolean;
  /** Empty: no AUTH token. */
  authToken: string;
}

/** Whether the snapshot was taken from a cluster-mode-enabled group (its NodeSnapshots are per shard). */
export function isClusterModeSnapshot(s: Snapshot): boolean {
  return (s.NodeSnapshots ?? []).some((n) => n.NodeGroupId !== undefined);
}

/**
 * CreateReplicationGroup's parameters for a restore of `s` (DescribeSnapshots with
 * ShowNodeGroupConfig, so each shard's replica count is known): the snapshot's engine, node type
 * and shape (shards and replicas per shard), as ElastiCache's console fills its restore form.
 */
export function restoreParams(s: Snapshot, v: RestoreValues): Params {
  const id = v.groupId.trim();
  const shards = s.NodeSnapshots ?? [];
  const replicas = shards[0]?.NodeGroupConfiguration?.ReplicaCount ?? 0;
  const p: Params = {
    ReplicationGroupId: id, ReplicationGroupDescription: `Restored from snapshot ${s.SnapshotName}`,
    SnapshotName: s.SnapshotName ?? '', ReplicasPerNodeGroup: String(replicas),
  };
  if (s.Engine) p.Engine = s.Engine;
  if (s.EngineVersion) p.EngineVersion = s.EngineVersion;
  if (s.CacheNodeType) p.CacheNodeType = s.CacheNodeType;
  if (isClusterModeSnapshot(s)) {
    p.ClusterMode = 'enabled';
    p.NumNodeGroups = String(s.NumNodeGroups ?? shards.length);
  }
  if (replicas > 0 || isClusterModeSnapshot(s)) {
    const failover = isClusterModeSnapshot(s) || s.AutomaticFailover === 'enabled' || s.AutomaticFailover === 'enabling';
    p.AutomaticFailoverEnabled = String(failover);
    p.MultiAZEnabled = String(failover);
  }
  if (v.inTransit) p.TransitEncryptionEnabled = 'true';
  if (v.authToken) p.AuthToken = v.authToken;
  return p;
}

/** The snapshot's size: the sum of its shards' CacheSize ("12 MB" each), or undefined while none is written. */
export function snapshotSize(s: Snapshot): string | undefined {
  const sizes = (s.NodeSnapshots ?? []).map((n) => n.CacheSize).filter((x): x is string => x !== undefined);
  if (sizes.length === 0) return undefined;
  if (sizes.length === 1) return sizes[0];
  const mb = sizes.map((x) => /^(\d+(?:\.\d+)?) MB$/.exec(x)?.[1]);
  return mb.every((x) => x !== undefined) ? `${mb.reduce((a, x) => a + Number(x), 0)} MB` : sizes.join(' + ');
}

/** When the snapshot was taken (its first shard's SnapshotCreateTime, an ISO string on the console's route). */
export function snapshotTime(s: Snapshot): string | undefined {
  const times = (s.NodeSnapshots ?? []).map((n) => n.SnapshotCreateTime).filter((t) => t !== undefined).map((t) => String(t instanceof Date ? t.toISOString() : t));
  return times.sort()[0];
}

/**
 * The field an API error of a snapshot form is about: `fields` maps a field to the parameters (and
 * fault codes) that name it; the first parameter the message names wins, else the code; else
 * undefined (shown for the whole form).
 */
export function fieldOfSnapshotError<F extends string>(fields: Record<F, string[]>, message: string, code = ''): F | undefined {
  let best: { field: F; at: number } | undefined;
  for (const [field, names] of Object.entries(fields) as Array<[F, string[]]>) {
    if (names.includes(code)) return field;
    for (const name of names) {
      const at = message.search(new RegExp(`\\b${name}\\b`));
      if (at !== -1 && (!best || at < best.at)) best = { field, at };
    }
  }
  return best?.field;
}

/** The forms' fields and what names them. */
export const CREATE_SNAPSHOT_FIELDS = { name: ['SnapshotName', 'SnapshotAlreadyExistsFault', 'SnapshotQuotaExceededFault'] };
export const COPY_SNAPSHOT_FIELDS = { target: ['TargetSnapshotName', 'SnapshotAlreadyExistsFault', 'SnapshotQuotaExceededFault'] };
export const RESTORE_FIELDS = {
  groupId: ['ReplicationGroupId', 'ReplicationGroupAlreadyExistsFault'],
  authToken: ['AuthToken'],
  inTransit: ['TransitEncryptionEnabled'],
};

/** A destructive action is confirmed, as AWS's console confirms it, by typing the resource's name. */
export function confirmsName(typed: string, name: string | undefined): boolean {
  return name !== undefined && name !== '' && typed.trim() === name;
}

/** Newest first (snapshots being created, with no time yet, on top), then by name. */
export function newestFirst(list: readonly Snapshot[]): Snapshot[] {
  const key = (s: Snapshot) => snapshotTime(s) ?? '9999';
  return [...list].sort((a, b) => key(b).localeCompare(key(a)) || (a.SnapshotName ?? '').localeCompare(b.SnapshotName ?? ''));
}
