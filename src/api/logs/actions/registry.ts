import type { ActionRegistry } from '../../types.js';
import type { LogsActionFactory, LogsDeps } from '../deps.js';
import CreateLogGroup from './CreateLogGroup.js';
import DeleteLogGroup from './DeleteLogGroup.js';
import DescribeLogGroups from './DescribeLogGroups.js';
import DescribeLogStreams from './DescribeLogStreams.js';
import FilterLogEvents from './FilterLogEvents.js';
import GetLogEvents from './GetLogEvents.js';
import PutRetentionPolicy from './PutRetentionPolicy.js';

/** The CloudWatch Logs actions served on the endpoint: every operation of src/api/logs/model. */
export const LOGS_ACTIONS: LogsActionFactory[] = [
  CreateLogGroup, DescribeLogGroups, DeleteLogGroup, PutRetentionPolicy, DescribeLogStreams, GetLogEvents, FilterLogEvents,
];

export function buildLogsRegistry(deps: LogsDeps): ActionRegistry {
  return new Map(LOGS_ACTIONS.map((f) => { const h = f(deps); return [h.name, h]; }));
}
