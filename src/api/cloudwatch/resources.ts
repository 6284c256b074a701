// The resources each CloudWatch action acts on (Service Authorization Reference for CloudWatch):
// an alarm's ARN for the alarm actions, the tagged resource for the tag actions, `*` for the
// metric actions (they have no resource-level permissions).
import type { ArnScope } from '../types.js';

export function alarmArn(scope: ArnScope, name: string): string {
  return `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:${name}`;
}

export function cloudWatchResources(action: string, input: unknown, scope: ArnScope): string[] {
  const f = (input ?? {}) as { AlarmName?: string; AlarmNames?: string[]; ResourceARN?: string };
  switch (action) {
    case 'PutMetricAlarm': case 'SetAlarmState':
      return [alarmArn(scope, String(f.AlarmName))];
    case 'DescribeAlarmHistory':
      return f.AlarmName !== undefined ? [alarmArn(scope, f.AlarmName)] : ['*'];
    case 'DeleteAlarms': case 'EnableAlarmActions': case 'DisableAlarmActions':
      return (f.AlarmNames ?? []).map((n) => alarmArn(scope, n));
    case 'DescribeAlarms':
      return f.AlarmNames?.length ? f.AlarmNames.map((n) => alarmArn(scope, n)) : ['*'];
    case 'TagResource': case 'UntagResource': case 'ListTagsForResource':
      return [String(f.ResourceARN)];
    default:
      return ['*'];
  }
}
