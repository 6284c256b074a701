// CloudWatch's tags live on the alarm's definition; only alarms are taggable here.
import type { StateStore, Stored } from '../../store/index.js';
import { CloudWatchErrors } from './errors.js';

export async function taggedAlarm(store: StateStore, arn: string): Promise<Stored<'alarm'>> {
  const m = /^arn:aws:cloudwatch:[^:]+:[^:]+:alarm:(.+)$/.exec(arn);
  if (!m) throw CloudWatchErrors.invalidParameterValue(`The value ${arn} for parameter ResourceARN is not an alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>).`);
  const alarm = await store.get('alarm', m[1]!);
  if (!alarm || alarm.doc.alarmArn !== arn) throw CloudWatchErrors.resourceNotFound(arn);
  return alarm;
}
