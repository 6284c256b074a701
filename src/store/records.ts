import type { IamAccessKeyRecord, IamGroupRecord, IamUserRecord } from './iam-records.js';
import type { CacheClusterSpec, CacheClusterStatusRecord, ReplicationGroupSpec, ReplicationGroupStatusRecord, Tag } from './cache-records.js';
import type { ClaimRecord, NetworkInterfaceRecord, SecurityGroupRecord } from './ec2-records.js';
import type { UserGroupSpec, UserGroupStatusRecord, UserSpec, UserStatusRecord } from './rbac-records.js';
import type { BackupScheduleRecord, SnapshotSpec, SnapshotStatusRecord } from './snapshot-records.js';
import type { ServerlessCacheSpec, ServerlessCacheStatusRecord, ServerlessUsageRecord } from './serverless-records.js';
import type { AlarmHistoryRecord, AlarmSpec, AlarmStatusRecord, SnsSubscriptionRecord, SnsTopicRecord } from './monitoring-records.js';

export type * from './cache-records.js';
export type * from './rbac-records.js';
export type * from './ec2-records.js';
export type * from './snapshot-records.js';
export type * from './monitoring-records.js';
export type * from './serverless-records.js';

/**
 * Domain records kept in the state store, one module a domain (cache-records.ts, rbac-records.ts,
 * ec2-records.ts, iam-records.ts) and, here, what the rest share and the table of kinds.
 * Desired and observed state of groups, clusters, users and user groups are kept in separate
 * records (cache-records.ts, rbac-records.ts).
 */

export interface SubnetRecord {
  id: string;
  availabilityZone: string;
}

export interface CacheSubnetGroupRecord {
  name: string;
  arn: string;
  description: string;
  vpcId: string;
  subnets: SubnetRecord[];
  createdAt: string;
}

export interface CacheParameterGroupRecord {
  name: string;
  arn: string;
  family: string;
  description: string;
  isGlobal: boolean;
  /** Built-in groups (default.redis7, …) cannot be modified or deleted. */
  builtIn: boolean;
  /** Only values the user set; everything else is the family default. */
  values: Record<string, string>;
  /** Bumped on every modification so the reconciler notices changes. */
  version: number;
  createdAt: string;
}

export interface TagsRecord {
  /** The resource ARN. */
  arn: string;
  tags: Tag[];
}

export type EventSourceType =
  | 'cache-cluster' | 'cache-parameter-group' | 'cache-security-group' | 'cache-subnet-group'
  | 'replication-group' | 'serverless-cache' | 'serverless-cache-snapshot' | 'user' | 'user-group';

export interface EventRecord {
  sourceIdentifier: string;
  sourceType: EventSourceType;
  message: string;
  date: string;
  /** How the service's log shows it (events are logged from the stored log, see events/sink.ts). Default info. */
  level?: 'info' | 'warn';
}

/** An event as the store keeps it: numbered in the order of the commits that appended it. */
export interface StoredEvent extends EventRecord {
  /** Increases with every event appended; an event's identity (e.g. for a notifier to drop a repeat). */
  seq: number;
}

/** How far the event sink has delivered the stored event log (to the service's log and listeners). */
export interface EventCursorRecord {
  id: string;
  /** The last event delivered. */
  seq: number;
}

/** Service-wide settings persisted at first start (account id, region). */
export interface InstallationRecord {
  id: 'installation';
  accountId: string;
  region: string;
  createdAt: string;
  /**
   * The address the control plane's connections to nodes come from (from the endpoint range,
   * reserved at first start): security-group filters always admit it.
   */
  managementAddress?: string;
}

/** An address taken from the endpoint range; a record per address so two creates never share one. */
export interface AddressRecord {
  address: string;
  /** What uses it: "replicationGroup:<id>:primary", "cacheCluster:<id>:<nodeId>", … */
  owner: string;
}

export interface RecordKinds {
  address: AddressRecord;
  replicationGroup: ReplicationGroupSpec;
  replicationGroupStatus: ReplicationGroupStatusRecord;
  cacheCluster: CacheClusterSpec;
  cacheClusterStatus: CacheClusterStatusRecord;
  cacheSubnetGroup: CacheSubnetGroupRecord;
  cacheParameterGroup: CacheParameterGroupRecord;
  tags: TagsRecord;
  installation: InstallationRecord;
  user: UserSpec;
  userStatus: UserStatusRecord;
  userGroup: UserGroupSpec;
  userGroupStatus: UserGroupStatusRecord;
  securityGroup: SecurityGroupRecord;
  networkInterface: NetworkInterfaceRecord;
  claim: ClaimRecord;
  iamUser: IamUserRecord;
  iamGroup: IamGroupRecord;
  iamAccessKey: IamAccessKeyRecord;
  snapshot: SnapshotSpec;
  snapshotStatus: SnapshotStatusRecord;
  backupSchedule: BackupScheduleRecord;
  eventCursor: EventCursorRecord;
  alarm: AlarmSpec;
  alarmStatus: AlarmStatusRecord;
  alarmHistory: AlarmHistoryRecord;
  snsTopic: SnsTopicRecord;
  snsSubscription: SnsSubscriptionRecord;
  serverlessCache: ServerlessCacheSpec;
  serverlessCacheStatus: ServerlessCacheStatusRecord;
  serverlessUsage: ServerlessUsageRecord;
}
export type Kind = keyof RecordKinds;
