/**
 * The notification CloudWatch sends to an alarm's SNS topics on a transition: its subject
 * (`ALARM: "name" in US East (N. Virginia)`) and its JSON message, with CloudWatch's field names.
 */
import type { AlarmSpec, AlarmStateValue } from '../store/index.js';

const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)', 'us-east-2': 'US East (Ohio)', 'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)', 'eu-west-1': 'EU (Ireland)', 'eu-central-1': 'EU (Frankfurt)',
  'ap-southeast-1': 'Asia Pacific (Singapore)', 'ap-northeast-1': 'Asia Pacific (Tokyo)',
};

export function regionName(region: string): string {
  return REGION_NAMES[region] ?? region;
}

export interface Transition {
  oldState: AlarmStateValue;
  newState: AlarmStateValue;
  reason: string;
  reasonData?: string;
  at: Date;
}

/** `2026-12-05T03:00:00.000+0000`, CloudWatch's StateChangeTime. */
const changeTime = (d: Date) => d.toISOString().replace('Z', '+0000');

export function alarmSubject(alarm: AlarmSpec, t: Transition, region: string): string {
  // SNS subjects are at most 100 characters.
  return `${t.newState}: "${alarm.alarmName}" in ${regionName(region)}`.slice(0, 100);
}

export function alarmMessage(alarm: AlarmSpec, t: Transition, accountId: string, region: string): string {
  const trigger = alarm.metrics
    ? { Metrics: alarm.metrics, Period: alarm.periodS ?? null, EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods, ComparisonOperator: alarm.comparisonOperator,
      Threshold: alarm.threshold ?? null, TreatMissingData: alarm.treatMissingData ?? 'missing', EvaluateLowSampleCountPercentile: '' }
    : {
      MetricName: alarm.metricName, Namespace: alarm.namespace,
      StatisticType: alarm.extendedStatistic ? 'ExtendedStatistic' : 'Statistic',
      ...(alarm.extendedStatistic ? { ExtendedStatistic: alarm.extendedStatistic } : { Statistic: (alarm.statistic ?? '').toUpperCase() }),
      Unit: alarm.unit ?? null,
      Dimensions: alarm.dimensions.map((d) => ({ value: d.Value, name: d.Name })),
      Period: alarm.periodS, EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
      ComparisonOperator: alarm.comparisonOperator, Threshold: alarm.threshold,
      TreatMissingData: alarm.treatMissingData ?? 'missing', EvaluateLowSampleCountPercentile: alarm.evaluateLowSampleCountPercentile ?? '',
    };
  return JSON.stringify({
    AlarmName: alarm.alarmName,
    AlarmDescription: alarm.alarmDescription ?? null,
    AWSAccountId: accountId,
    AlarmConfigurationUpdatedTimestamp: changeTime(new Date(alarm.configurationUpdatedAt)),
    NewStateValue: t.newState,
    NewStateReason: t.reason,
    StateChangeTime: changeTime(t.at),
    Region: regionName(region),
    AlarmArn: alarm.alarmArn,
    OldStateValue: t.oldState,
    OKActions: alarm.okActions,
    AlarmActions: alarm.alarmActions,
    InsufficientDataActions: alarm.insufficientDataActions,
    Trigger: trigger,
  });
}
