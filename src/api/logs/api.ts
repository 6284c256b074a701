// CloudWatch Logs (`logs`, AWS JSON 1.1, X-Amz-Target Logs_20140328.<Op>): dispatched and
// authenticated on the endpoint; its actions (issue 13's log groups and slow-log delivery) come
// later, so each answers UnknownOperationException naming what is missing.
import { AwsError } from '../../errors/index.js';
import type { RpcApi } from '../types.js';

/** The Logs actions issue 13 asks for (none implemented yet). */
export const PLANNED_LOGS_ACTIONS = ['CreateLogGroup', 'DescribeLogGroups', 'DeleteLogGroup', 'PutRetentionPolicy',
  'DescribeLogStreams', 'GetLogEvents', 'FilterLogEvents'];

export function createLogsApi(): RpcApi {
  const planned = new Set(PLANNED_LOGS_ACTIONS);
  return {
    signingService: 'logs', actionPrefix: 'logs', deniedCode: 'AccessDenied',
    targetPrefix: 'Logs_20140328', jsonVersion: '1.1', queryCompatible: false, cbor: false,
    resourcesOf: () => ['*'],
    actions: new Map(),
    hasOperation: (action) => planned.has(action),
    decode: () => ({}),
    encode: () => ({}),
    errorType: (err) => err.code,
    invalidAction: (action) => new AwsError('UnknownOperationException', `The operation ${action} is not served by cachefleet's CloudWatch Logs.`, 400),
    notImplemented: (action) => new AwsError('UnknownOperationException', `The CloudWatch Logs operation ${action} is not implemented yet by cachefleet.`, 400),
  };
}
