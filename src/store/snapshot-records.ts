/**
 * Snapshots (ElastiCache backups) as records, in two halves as groups and clusters are: the spec
 * (kind `snapshot`) holds what was asked for and the source's configuration copied at request
 * time, written by API handlers (and by the backup scheduler when it starts an automatic backup);
 * the status (kind `snapshotStatus`) holds what the snapshot controller did: the files written
 * per shard, their sizes, the outcome. Field names follow ElastiCache's `Snapshot` shape.
 */

/** What DescribeSnapshots shows; `restoring`, `copying` and `deleting` are derived (see snapshot-views.ts). */
export type SnapshotStatus = 'creating' | 'available' | 'restoring' | 'copying' | 'deleting' | 'failed';

/** The observed outcome the controller writes. */
export type SnapshotWorkStatus = 'creating' | 'available' | 'failed';

/** A key of the key store as records keep it (never the key material): KMS's key id and ARN. */
export interface KmsKeyRecord {
  id: string;
  arn: string;
}

/** One shard of the source as it was configured (NodeGroupConfiguration of DescribeSnapshots). */
export interface SnapshotShardConfig {
  /** "0001", … ("0001" for a cluster-mode-disabled source). */
  id: string;
  /** Cluster mode enabled: the shard's slots ("0-5460"). */
  slots?: string;
  replicaCount: number;
  primaryAvailabilityZone?: string;
  replicaAvailabilityZones: string[];
}

/** The source's configuration at request time, as the Snapshot shape shows it. */
export interface SnapshotSourceConfig {
  replicationGroupId?: string;
  replicationGroupDescription?: string;
  /** A standalone cluster, or the member a cluster-mode-disabled group's snapshot is taken from. */
  cacheClusterId?: string;
  cacheClusterCreateTime?: string;
  preferredAvailabilityZone?: string;
  cacheNodeType: string;
  engine: 'redis';
  engineVersion: string;
  numCacheNodes?: number;
  preferredMaintenanceWindow: string;
  topicArn?: string;
  port: number;
  cacheParameterGroupName: string;
  cacheSubnetGroupName: string;
  vpcId: string;
  autoMinorVersionUpgrade: boolean;
  snapshotRetentionLimit: number;
  snapshotWindow: string;
  clusterEnabled: boolean;
  numNodeGroups?: number;
  automaticFailover?: 'enabled' | 'disabled';
  atRestEncryptionEnabled: boolean;
  shards: SnapshotShardConfig[];
}

/** Where a snapshot's data comes from: taken from the source's nodes, or copied from another snapshot. */
export type SnapshotOrigin =
  | { kind: 'capture'; /** A final snapshot is taken from each shard's primary (else a replica when there is one). */ fromPrimary: boolean; /** ModifyReplicationGroup SnapshottingClusterId at request time. */ snapshottingClusterId?: string }
  | { kind: 'copy'; sourceSnapshot: string };

/**
 * Work another resource asked of this snapshot: a group or cluster restoring from it, a copy
 * being made of it, an export to a bucket. While any is held the snapshot shows `restoring` or
 * `copying` and cannot be deleted; the controller removes a hold when its work ends.
 */
export interface SnapshotHold {
  kind: 'restore' | 'copy' | 'export';
  /** The restoring group or cluster, the target snapshot, or the export's target name. */
  by: string;
  /** Export: the bucket the `<by>-0001.rdb`, … objects are written to. */
  bucket?: string;
  requestedAt: string;
}

export interface SnapshotSpec {
  /** Lowercase, as ElastiCache stores names. */
  name: string;
  arn: string;
  /** Unique per record: object keys carry it, so a new snapshot of a reused name never meets old files. */
  uid: string;
  source: 'manual' | 'automated';
  createdAt: string;
  config: SnapshotSourceConfig;
  /** Encryption at rest: the key every file of the snapshot is encrypted with. */
  kmsKey?: KmsKeyRecord;
  origin: SnapshotOrigin;
  holds?: SnapshotHold[];
  /** A final snapshot (FinalSnapshotIdentifier): its source's deletion waits for it. */
  final?: boolean;
  deleteRequested?: boolean;
}

/** One file of a snapshot: a shard (cluster mode enabled) or the node it was taken from. */
export interface NodeSnapshotRecord {
  nodeGroupId: string;
  cacheClusterId?: string;
  cacheNodeId?: string;
  cacheNodeCreateTime?: string;
  /** Key of the file in the snapshot store. */
  objectKey: string;
  /** Bytes of RDB data (what CacheSize shows). */
  rdbBytes: number;
  /** Bytes stored (compressed, encrypted). */
  storedBytes: number;
  snapshotCreateTime: string;
}

export interface SnapshotStatusRecord {
  name: string;
  status: SnapshotWorkStatus;
  /** Files written so far (every shard's once available). */
  nodeSnapshots: NodeSnapshotRecord[];
  /** Runs of the work started; a run interrupted by a restart of the service is run again, a few times at most. */
  attempts: number;
  /** The controller instance running the work (a restarted service has a new one). */
  owner?: string;
  failureReason?: string;
  completedAt?: string;
  /** The outcome was told (event) and its source's `snapshotting` marker cleared: the last step of the work. */
  announced?: boolean;
}

/** The merged view (see snapshot-views.ts). */
export interface SnapshotRecord extends SnapshotSpec {
  /** As DescribeSnapshots shows it. */
  status: SnapshotStatus;
  work: SnapshotStatusRecord;
}

/**
 * The automatic backups of one group or standalone cluster: the window occurrence last backed up
 * (the UTC date it began), so a restarted service never takes a second backup in a day.
 */
export interface BackupScheduleRecord {
  /** The replication group or standalone cache cluster id. */
  id: string;
  /** YYYY-MM-DD (UTC) of the start of the last window a backup was started in. */
  lastWindow: string;
  lastSnapshot: string;
}
