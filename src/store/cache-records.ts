import type { UserGroupsPending } from './rbac-records.js';
import type { KmsKeyRecord } from './snapshot-records.js';

/**
 * Replication groups and cache clusters (and the settings, shards, nodes and failovers they hold).
 * Field names follow ElastiCache's vocabulary so the API layer maps them one to one.
 */

export interface EndpointRecord {
  address: string;
  port: number;
}

export interface Tag {
  Key: string;
  Value?: string;
}

export type ReplicationGroupStatus =
  | 'creating' | 'available' | 'modifying' | 'deleting' | 'create-failed' | 'snapshotting' | 'restore-failed';

export type CacheClusterStatus =
  | 'creating' | 'available' | 'modifying' | 'deleting' | 'deleted' | 'create-failed'
  | 'rebooting cache cluster nodes' | 'incompatible-parameters' | 'incompatible-network' | 'snapshotting' | 'restore-failed';

export type CacheNodeStatus = 'creating' | 'available' | 'rebooting' | 'deleting' | 'modifying' | 'failed';

/** Settings shared by replication groups and cache clusters. */
export interface CacheSettings {
  engine: 'redis';
  /** As requested (e.g. "7.0", "7.1"); the version actually running is observed per node. */
  engineVersion: string;
  cacheNodeType: string;
  cacheParameterGroupName: string;
  cacheSubnetGroupName: string;
  port: number;
  securityGroupIds: string[];
  preferredMaintenanceWindow: string;
  snapshotRetentionLimit: number;
  snapshotWindow: string;
  notificationTopicArn?: string;
  /** ModifyReplicationGroup/ModifyCacheCluster's NotificationTopicStatus: `inactive` keeps the topic but sends nothing (absent: active). */
  notificationTopicStatus?: 'active' | 'inactive';
  autoMinorVersionUpgrade: boolean;
  transitEncryptionEnabled: boolean;
  /** With transit encryption: 'required' (TLS only) or 'preferred' (TLS and plaintext; see engine/transit.ts). */
  transitEncryptionMode?: 'preferred' | 'required';
  /** AUTH token state (the password of the `default` user); absent when no token was ever set. */
  auth?: AuthTokenState;
  atRestEncryptionEnabled: boolean;
  /** With encryption at rest: the key its snapshots are encrypted with (the installation's default key unless KmsKeyId named one). */
  kmsKey?: KmsKeyRecord;
  /**
   * LogDeliveryConfigurations as last asked for, one per log type. `enabled: false` is a delivery
   * being turned off: the delivery controller stops it and describe calls stop showing it.
   */
  logDelivery?: LogDeliverySetting[];
}

/** One log type's delivery (ElastiCache's LogDeliveryConfiguration): only CloudWatch Logs destinations. */
export interface LogDeliverySetting {
  logType: 'slow-log' | 'engine-log';
  destinationType: 'cloudwatch-logs';
  logGroup: string;
  logFormat: 'json' | 'text';
  enabled: boolean;
}

/** A new group or cluster seeded from a snapshot or from RDB files in a bucket (SnapshotName, SnapshotArns). */
export interface RestoreRequest {
  snapshotName?: string;
  /** `arn:aws:s3:::bucket/key`, one RDB file each. */
  snapshotArns?: string[];
  /** Point-in-time restore (the `cachefleet:restore-*` tags): another group's archive replayed to a second. */
  pointInTime?: PointInTimeRestoreRequest;
  requestedAt: string;
}

/** The source of a point-in-time restore, fixed when the restore was asked for. */
export interface PointInTimeRestoreRequest {
  sourceGroup: string;
  /** The source group's archive (`_pitr/<group>/<created ms>/`), one `<node group>/` prefix under it per shard. */
  archive: string;
  /** The source's node groups whose archives are replayed, in order. */
  shards: string[];
  /** The second restored to (its end), ISO-8601 UTC. */
  time: string;
  /** The archive is encrypted (the source has encryption at rest): a plain object is refused. */
  encrypted: boolean;
}

/**
 * The restore's progress (observed): `waiting` until the new nodes run, `loading` while the data
 * is loaded, then `done` (the group may turn available) or `failed` (it ends `restore-failed`).
 */
export interface RestoreState {
  state: 'waiting' | 'loading' | 'done' | 'failed';
  /** Loads started; one interrupted by a restart of the service is started again from the beginning, a few times at most. */
  attempts: number;
  /** The controller instance loading (a restarted service has a new one). */
  owner?: string;
  keys?: number;
  bytes?: number;
  error?: string;
  /**
   * Members (cache cluster ids) whose nodes the restore restarts on their shard's snapshot file
   * (snapshots/engine/seed.ts): while the restore is `waiting` or `loading`, they are down or
   * loading on purpose, so the group controller neither fails them over nor restarts them.
   */
  seeding?: string[];
}

/** The backup-related members of a group's or cluster's spec. */
export interface BackupSpec {
  /** A snapshot of it is being taken (set with the snapshot's creation, cleared when it ends): it shows `snapshotting`. */
  snapshotting?: string;
  /** Deletion waits for this final snapshot (FinalSnapshotIdentifier); a failed one cancels the deletion. */
  finalSnapshotName?: string;
  /** Seeded from a snapshot or RDB files: the data is loaded before it turns available. */
  restore?: RestoreRequest;
}

/**
 * AUTH token state. Only the SHA-256 of each token is kept (Redis's `#<hex>` ACL form): the
 * token itself is in no record, no redis.conf, no log, no event and no describe call.
 */
export interface AuthTokenState {
  /** SHA-256 (hex) of every token the default user accepts, oldest first: one, or two while rotating. */
  tokenSha256: string[];
  /** Connections without a token are still accepted (a ROTATE onto a group that had no token, until SET). */
  passwordless: boolean;
  /** The strategy of the last modification, if any (SET is allowed only after ROTATE). */
  lastStrategy?: 'ROTATE' | 'SET';
  lastModifiedDate: string;
  /** Bumped on every change; clusters record the version live on their nodes. */
  version: number;
}

/**
 * Records of replication groups and cache clusters come in two halves, as Kubernetes objects have
 * `spec` and `status`: the *spec* record (kinds `replicationGroup`, `cacheCluster`) holds what
 * the API was asked for and is written only by API handlers; the *status* record (kinds
 * `replicationGroupStatus`, `cacheClusterStatus`) holds what the reconciler observed and is
 * written only by the reconciler. Each half has its own version, so neither side can overwrite
 * the other, and a status write never makes an API call retry. Code reads the merged view
 * (`ReplicationGroupRecord`, `CacheClusterRecord`, see store/views.ts).
 *
 * A request that the reconciler carries out is handed over without either side writing the
 * other's half: the spec records it with a number (`generation`, `rebootRequests`,
 * `failoverRequest.id`) and the status records the number it has acted on. A few transitions
 * finish a request and change the spec itself (a deleted group or cluster, shards removed after
 * resharding, a deferred node type applied in the maintenance window, user groups applied): the
 * reconciler writes those as explicit spec transitions, guarded by the spec's version.
 */

/** A failover the API asked for (TestFailover, or a switchover from ModifyReplicationGroup --primary-cluster-id). */
export interface FailoverRequest {
  /** Increases with every request on the shard; the status records the last one started. */
  id: number;
  reason: 'test-failover' | 'switchover';
  /** Switchover: the member to promote. */
  toClusterId?: string;
  requestedAt: string;
}

/** The desired half of one shard. */
export interface ShardSpec {
  /** The primary named at creation (or by a shard change); the observed one is in {@link ShardState}. */
  primaryClusterId: string;
  memberClusters: string[];
  failoverRequest?: FailoverRequest;
}

/** The observed half of one shard (written by the failover runner). */
export interface ShardState {
  /** The primary since the last failover, when one happened. */
  primaryClusterId?: string;
  failover?: FailoverRecord;
  lastFailoverAt?: string;
  /** The id of the last {@link FailoverRequest} started. */
  handledFailoverRequest?: number;
}

/**
 * One shard (ElastiCache "node group") of a cluster-mode-enabled group, merged view: a primary
 * and its replicas owning a set of hash slots. A cluster-mode-disabled group is itself the one shard.
 */
export interface ShardRecord extends ShardSpec {
  failover?: FailoverRecord;
  lastFailoverAt?: string;
  handledFailoverRequest?: number;
}

export interface NodeGroupSpec extends ShardSpec {
  /** "0001", "0002", … */
  id: string;
  /** Desired hash slots, as ElastiCache shows them: "0-5461" or "0-100,200-300". */
  slots: string;
}

export interface NodeGroupRecord extends ShardRecord {
  id: string;
  slots: string;
}

/** A resharding the API started (desired half). */
export interface ReshardingSpec {
  startedAt: string;
  totalSlots: number;
  /** Node groups that are leaving (their clusters are deleted once they own no slot). */
  removing: string[];
}

/** Resharding, merged view: the request and its progress (observed). */
export interface ReshardingRecord extends ReshardingSpec {
  movedSlots: number;
  keysMoved: number;
}

export interface ReplicationGroupSpec extends CacheSettings, ShardSpec, BackupSpec {
  id: string;
  arn: string;
  description: string;
  createdAt: string;
  automaticFailoverEnabled: boolean;
  multiAZEnabled: boolean;
  /** Every member cluster, in order (`<id>-001`, … or, in cluster mode, `<id>-0001-001`, …). */
  memberClusters: string[];
  /** The primary named at creation (cluster mode: of shard 0001); the current one is observed. */
  primaryClusterId: string;
  /** Cluster mode enabled: the shards, and the configuration endpoint clients discover them through. */
  clusterEnabled?: boolean;
  nodeGroups?: NodeGroupSpec[];
  configurationEndpoint?: EndpointRecord;
  resharding?: ReshardingSpec;
  primaryEndpoint: EndpointRecord;
  readerEndpoint: EndpointRecord;
  /** Pending changes not yet applied (ElastiCache's PendingModifiedValues). */
  pending: { cacheNodeType?: string; automaticFailoverStatus?: 'enabled' | 'disabled'; userGroups?: UserGroupsPending };
  /** RBAC: the user groups whose users are the ACL of every node (desired; see pending.userGroups). */
  userGroupIds?: string[];
  /** True once DeleteReplicationGroup was called. */
  deleteRequested?: boolean;
  retainPrimaryCluster?: boolean;
  /** The member automatic and manual snapshots are taken from (cluster mode disabled), when the user chose one. */
  snapshottingClusterId?: string;
  /** When TestFailover was called on this group (AWS allows 15 a rolling 24 hours per account). */
  testFailoverCalls?: string[];
  /**
   * Bumped by every API change the nodes must follow; the group shows `modifying` until the
   * reconciler has observed it (`observedGeneration`), as Kubernetes' metadata.generation.
   */
  generation?: number;
}

export interface ReplicationGroupStatusRecord {
  id: string;
  /** The spec generation this status was computed from. */
  observedGeneration: number;
  status: ReplicationGroupStatus;
  /** Each shard's observed state: key "" for a cluster-mode-disabled group, else the node group id. */
  shards: Record<string, ShardState>;
  /** Progress of the resharding started at `startedAt`. */
  reshardProgress?: { startedAt: string; movedSlots: number; keysMoved: number };
  /** Reason recorded when creation failed. */
  failureReason?: string;
  restoreState?: RestoreState;
}

/** A replication group, merged view (spec overlaid with status); see store/views.ts. */
export interface ReplicationGroupRecord extends Omit<ReplicationGroupSpec, 'nodeGroups' | 'resharding'>, ShardRecord {
  status: ReplicationGroupStatus;
  observedGeneration: number;
  nodeGroups?: NodeGroupRecord[];
  resharding?: ReshardingRecord;
  failureReason?: string;
  restoreState?: RestoreState;
}

/**
 * Failover, an explicit state machine (as Sentinel's): one step at a time, each safe to repeat.
 * select-replica → promote → repoint-replicas → switch-endpoint → update-state.
 */
export type FailoverState = 'select-replica' | 'promote' | 'repoint-replicas' | 'switch-endpoint' | 'update-state';

export interface FailoverRecord {
  state: FailoverState;
  /** The primary that failed (or, for TestFailover, that is being replaced). */
  fromClusterId: string;
  /** The replica chosen to become primary (from promote on). */
  toClusterId?: string;
  /**
   * Repairs of a cluster-mode shard whose primary on record answers as a replica (shard-rules.ts
   * `shardRepair`): `no-primary` promotes it again (from and to are the same member);
   * `engine-promoted` records the member Redis Cluster made primary instead.
   */
  reason: 'primary-down' | 'test-failover' | 'switchover' | 'no-primary' | 'engine-promoted';
  startedAt: string;
}

/** The desired half of a cache node: where it is. */
export interface CacheNodeSpec {
  /** "0001", as ElastiCache numbers nodes. */
  id: string;
  /** The node's own address (its per-node endpoint); redis-server binds to it. */
  address: string;
  port: number;
  availabilityZone: string;
  createdAt: string;
}

/** The observed half of a cache node. */
export interface CacheNodeState {
  status: CacheNodeStatus;
  /** 'in-sync' | 'applying' | 'pending-reboot' for this node's parameters. */
  parameterGroupStatus: 'in-sync' | 'applying' | 'pending-reboot';
  /** Set while a dead node is being recovered (for the "Finished recovery" event). */
  recovering?: boolean;
  /**
   * TLS in transit as the node's process serves it (reconciler/transit.ts moves it toward the
   * cluster's mode live); undefined for records from before modes could change (= the cluster's mode).
   */
  transit?: 'none' | 'preferred' | 'required';
  observed?: NodeObservation;
}

export interface CacheNodeRecord extends CacheNodeSpec, CacheNodeState {}

export interface NodeObservation {
  pid?: number;
  role?: 'primary' | 'replica';
  /** For replicas: is the link to the primary up. */
  linkUp?: boolean;
  /** Host:port of the primary this replica follows. */
  following?: string;
  engineVersion?: string;
  runId?: string;
  lastSeenAt?: string;
  lastError?: string;
  /** Replica: since when its link to the primary has been down (to notice a stuck link). */
  linkDownSince?: string;
}

export interface CacheClusterSpec extends CacheSettings, BackupSpec {
  id: string;
  arn: string;
  createdAt: string;
  replicationGroupId?: string;
  /** Cluster mode enabled: the node group (shard) this cluster belongs to. */
  nodeGroupId?: string;
  /** The installed engine version serving the requested one (e.g. "7.0.15" for "7.1"). */
  engineVersionInstalled: string;
  preferredAvailabilityZone: string;
  /** Always 1 node for Redis. */
  nodes: CacheNodeSpec[];
  /** RebootCacheCluster calls per node id (the status records how many were carried out). */
  rebootRequests?: Record<string, number>;
  pending: { cacheNodeType?: string; engineVersion?: string; numCacheNodes?: number };
  deleteRequested?: boolean;
  /** See ReplicationGroupSpec.generation. */
  generation?: number;
}

export interface CacheClusterStatusRecord {
  id: string;
  observedGeneration: number;
  status: CacheClusterStatus;
  /** Each node's observed state, by node id. */
  nodes: Record<string, CacheNodeState>;
  /** Parameter group apply state, as CacheParameterGroupStatus.ParameterApplyStatus. */
  parameterApplyStatus: 'in-sync' | 'applying' | 'pending-reboot';
  /** Parameter values live on the nodes (defaults overlaid with the group's values), to diff against. */
  appliedParameters?: Record<string, string>;
  /** Node type whose maxmemory is live on the nodes. */
  appliedNodeType?: string;
  /** `auth.version` live on every node (ACL of the default user applied); behind while a token update is applied. */
  appliedAuthVersion?: number;
  /** Fingerprint of the ACL users (RBAC) verified live on the cluster's node (reconciler/acl.ts). */
  appliedAcl?: string;
  /** How many of `rebootRequests` were carried out, per node id. */
  rebootsDone?: Record<string, number>;
  /** Nodes the reconciler itself restarts (e.g. a replica whose link stays down). */
  restartWanted?: string[];
  failureReason?: string;
  restoreState?: RestoreState;
}

/** A cache cluster, merged view (spec overlaid with status); see store/views.ts. */
export interface CacheClusterRecord extends Omit<CacheClusterSpec, 'nodes'>,
  Omit<CacheClusterStatusRecord, 'id' | 'nodes'> {
  nodes: CacheNodeRecord[];
  /** Node ids to restart: requested and not yet carried out, or wanted by the reconciler. */
  rebootRequested?: string[];
}
