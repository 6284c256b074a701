/** A log group as kept in logs.db (CloudWatch Logs' LogGroup, less what cachefleet does not do). */
export interface LogGroupRow {
  name: string;
  createdMs: number;
  /** Absent: events never expire. One of {@link RETENTION_DAYS}. */
  retentionDays?: number;
  logGroupClass: 'STANDARD' | 'INFREQUENT_ACCESS' | 'DELIVERY';
  deletionProtection: boolean;
  storedBytes: number;
  tags: Record<string, string>;
}

export interface LogStreamRow {
  group: string;
  name: string;
  createdMs: number;
  firstEventMs?: number;
  lastEventMs?: number;
  lastIngestionMs?: number;
  storedBytes: number;
}

/** One stored event; `seq` orders a group's events as they were appended (the tokens' position). */
export interface LogEventRow {
  seq: number;
  stream: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** An event to append: its own time (epoch ms) and text. */
export interface NewLogEvent {
  timestamp: number;
  message: string;
}

/**
 * Where a node's delivery of one log type stands: the slow log's last entry id shipped and the
 * node's run_id (ids restart with the process), or the engine log's byte offset and the file's
 * inode (a new file starts again at 0). Written in the same transaction as the events it covers,
 * so a killed control plane neither ships twice nor skips.
 */
export interface DeliveryCursor {
  nodeKey: string;
  logType: string;
  /** run_id (slow-log) or `<dev>:<ino>` of redis.log (engine-log). */
  source: string;
  position: number;
}

/** What the delivery controller last observed for one cluster's log type. */
export interface DeliveryObservation {
  cacheClusterId: string;
  logType: string;
  /** The configuration it delivers for (see configKey in delivery/config.ts). */
  configKey: string;
  status: 'active' | 'error';
  message?: string;
  updatedMs: number;
}

/** CloudWatch Logs' retention values (the `retentionInDays` the model documents). */
export const RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
