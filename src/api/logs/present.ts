import type { LogGroupRow, LogStreamRow } from '../../logs/index.js';
import type { ArnScope } from '../types.js';
import type { LogGroup, LogStream } from './model/shapes.js';
import { logGroupArn } from './resources.js';

/** A log group as DescribeLogGroups shows it (`arn` ends in `:*`, `logGroupArn` does not, as AWS). */
export function presentLogGroup(scope: ArnScope, g: LogGroupRow): LogGroup {
  const arn = logGroupArn(scope, g.name);
  return {
    logGroupName: g.name, creationTime: g.createdMs, ...(g.retentionDays !== undefined ? { retentionInDays: g.retentionDays } : {}),
    metricFilterCount: 0, arn: `${arn}:*`, storedBytes: g.storedBytes, logGroupClass: g.logGroupClass, logGroupArn: arn,
    deletionProtectionEnabled: g.deletionProtection,
  };
}

export function presentLogStream(scope: ArnScope, s: LogStreamRow): LogStream {
  return {
    logStreamName: s.name, creationTime: s.createdMs,
    ...(s.firstEventMs !== undefined ? { firstEventTimestamp: s.firstEventMs } : {}),
    ...(s.lastEventMs !== undefined ? { lastEventTimestamp: s.lastEventMs } : {}),
    ...(s.lastIngestionMs !== undefined ? { lastIngestionTime: s.lastIngestionMs } : {}),
    arn: `${logGroupArn(scope, s.group)}:log-stream:${s.name}`, storedBytes: s.storedBytes,
  };
}
