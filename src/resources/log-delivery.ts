/**
 * LogDeliveryConfigurations of CreateReplicationGroup, CreateCacheCluster and their Modify calls:
 * validated, and merged into the desired `logDelivery` settings (one per log type). Delivery
 * itself is the log delivery controller's (src/logs/delivery); it reports what it observed, which
 * describe calls show as each configuration's Status.
 */
import { CommonErrors } from '../errors/index.js';
import type { Services } from '../core/index.js';
import type { LogDeliverySetting } from '../store/index.js';

/** One LogDeliveryConfigurationRequest as the API decodes it. */
export interface LogDeliveryRequest {
  LogType?: string;
  DestinationType?: string;
  DestinationDetails?: { CloudWatchLogsDetails?: { LogGroup?: string }; KinesisFirehoseDetails?: { DeliveryStream?: string } };
  LogFormat?: string;
  Enabled?: boolean;
}

/**
 * The settings after `requests` (undefined when there are none): a request for a log type
 * replaces that type's delivery; `Enabled: false` turns it off (on create: leaves it out).
 */
export function applyLogDelivery(svc: Services, current: LogDeliverySetting[] | undefined, requests: LogDeliveryRequest[] | undefined,
  creating: boolean): LogDeliverySetting[] | undefined {
  if (!requests?.length) return current;
  const next = new Map((current ?? []).map((d) => [d.logType, d]));
  const seen = new Set<string>();
  for (const r of requests) {
    if (r.LogType !== 'slow-log' && r.LogType !== 'engine-log') {
      throw CommonErrors.invalidParameterValue(`Invalid LogType ${r.LogType ?? '(none)'}: it must be slow-log or engine-log.`);
    }
    if (seen.has(r.LogType)) {
      throw CommonErrors.invalidParameterCombination(`LogType ${r.LogType} appears more than once in LogDeliveryConfigurations.`);
    }
    seen.add(r.LogType);
    if (r.Enabled === false) {
      const had = next.get(r.LogType);
      if (had && !creating) next.set(r.LogType, { ...had, enabled: false });
      else next.delete(r.LogType);
      continue;
    }
    next.set(r.LogType, validateEnabled(svc, r as LogDeliveryRequest & { LogType: 'slow-log' | 'engine-log' }));
  }
  return [...next.values()].sort((a, b) => (a.logType < b.logType ? -1 : 1));
}

function validateEnabled(svc: Services, r: LogDeliveryRequest & { LogType: 'slow-log' | 'engine-log' }): LogDeliverySetting {
  if (r.DestinationType === 'kinesis-firehose') {
    throw CommonErrors.invalidParameterValue(
      `DestinationType kinesis-firehose is not supported by cachefleet: it has no Amazon Data Firehose. Deliver the ${r.LogType} to ` +
      'CloudWatch Logs (DestinationType cloudwatch-logs with DestinationDetails.CloudWatchLogsDetails.LogGroup) on the same endpoint.');
  }
  if (r.DestinationType !== 'cloudwatch-logs') {
    throw CommonErrors.invalidParameterValue(`Invalid DestinationType ${r.DestinationType ?? '(none)'}: it must be cloudwatch-logs or kinesis-firehose.`);
  }
  if (r.LogFormat !== 'json' && r.LogFormat !== 'text') {
    throw CommonErrors.invalidParameterValue(`Invalid LogFormat ${r.LogFormat ?? '(none)'}: it must be json or text.`);
  }
  if (r.DestinationDetails?.KinesisFirehoseDetails) {
    throw CommonErrors.invalidParameterCombination('KinesisFirehoseDetails cannot be given with DestinationType cloudwatch-logs.');
  }
  const group = r.DestinationDetails?.CloudWatchLogsDetails?.LogGroup;
  if (!group) {
    throw CommonErrors.invalidParameterValue('DestinationDetails.CloudWatchLogsDetails.LogGroup is required for DestinationType cloudwatch-logs.');
  }
  if (!svc.logDelivery) throw CommonErrors.invalidParameterValue('Log delivery is not available: this service runs without CloudWatch Logs.');
  if (!svc.logDelivery.logGroupExists(group)) {
    throw CommonErrors.invalidParameterValue(`The CloudWatch Logs log group ${group} does not exist. Create it first (aws logs create-log-group --log-group-name ${group}).`);
  }
  return { logType: r.LogType, destinationType: 'cloudwatch-logs', logGroup: group, logFormat: r.LogFormat, enabled: true };
}
