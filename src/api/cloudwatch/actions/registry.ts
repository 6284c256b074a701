import type { ActionRegistry } from '../../types.js';
import type { CloudWatchActionFactory, CloudWatchDeps } from '../deps.js';
import DeleteAlarms from './DeleteAlarms.js';
import DescribeAlarmHistory from './DescribeAlarmHistory.js';
import DescribeAlarms from './DescribeAlarms.js';
import DescribeAlarmsForMetric from './DescribeAlarmsForMetric.js';
import DisableAlarmActions from './DisableAlarmActions.js';
import EnableAlarmActions from './EnableAlarmActions.js';
import GetMetricData from './GetMetricData.js';
import GetMetricStatistics from './GetMetricStatistics.js';
import ListMetrics from './ListMetrics.js';
import ListTagsForResource from './ListTagsForResource.js';
import PutMetricAlarm from './PutMetricAlarm.js';
import PutMetricData from './PutMetricData.js';
import SetAlarmState from './SetAlarmState.js';
import TagResource from './TagResource.js';
import UntagResource from './UntagResource.js';

/** The CloudWatch actions served on the endpoint: every operation of src/api/cloudwatch/model. */
export const CLOUDWATCH_ACTIONS: CloudWatchActionFactory[] = [
  PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics,
  PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DescribeAlarmHistory, DeleteAlarms,
  SetAlarmState, EnableAlarmActions, DisableAlarmActions, TagResource, UntagResource, ListTagsForResource,
];

export function buildCloudWatchRegistry(deps: CloudWatchDeps): ActionRegistry {
  return new Map(CLOUDWATCH_ACTIONS.map((f) => { const h = f(deps); return [h.name, h]; }));
}
