import { historyOp } from '../../../alarms/index.js';
import type { AlarmSpec } from '../../../store/index.js';
import { checkAlarmInput } from '../alarm-input.js';
import { defineCloudWatchAction } from '../deps.js';
import type { PutMetricAlarmInput } from '../model/shapes.js';
import { alarmArn } from '../resources.js';

export default defineCloudWatchAction<PutMetricAlarmInput, void>('PutMetricAlarm', async (input, deps) => {
  await checkAlarmInput(input, deps.store, deps.scope);
  const existing = await deps.store.get('alarm', input.AlarmName);
  const now = deps.now();
  const doc: AlarmSpec = {
    alarmName: input.AlarmName, alarmArn: alarmArn(deps.scope, input.AlarmName),
    ...(input.AlarmDescription !== undefined ? { alarmDescription: input.AlarmDescription } : {}),
    actionsEnabled: input.ActionsEnabled ?? true,
    okActions: input.OKActions ?? [], alarmActions: input.AlarmActions ?? [], insufficientDataActions: input.InsufficientDataActions ?? [],
    ...(input.Namespace !== undefined ? { namespace: input.Namespace } : {}),
    ...(input.MetricName !== undefined ? { metricName: input.MetricName } : {}),
    dimensions: input.Dimensions ?? [],
    ...(input.Statistic !== undefined ? { statistic: input.Statistic } : {}),
    ...(input.ExtendedStatistic !== undefined ? { extendedStatistic: input.ExtendedStatistic } : {}),
    // An alarm on metric math evaluates at the period of its queries (the first MetricStat's).
    ...(input.Period !== undefined ? { periodS: input.Period }
      : input.Metrics?.some((q) => q.MetricStat) ? { periodS: input.Metrics.find((q) => q.MetricStat)!.MetricStat!.Period } : {}),
    ...(input.Unit !== undefined ? { unit: input.Unit } : {}),
    evaluationPeriods: input.EvaluationPeriods!,
    ...(input.DatapointsToAlarm !== undefined ? { datapointsToAlarm: input.DatapointsToAlarm } : {}),
    ...(input.Threshold !== undefined ? { threshold: input.Threshold } : {}),
    comparisonOperator: input.ComparisonOperator!,
    ...(input.TreatMissingData !== undefined ? { treatMissingData: input.TreatMissingData } : {}),
    ...(input.EvaluateLowSampleCountPercentile !== undefined ? { evaluateLowSampleCountPercentile: input.EvaluateLowSampleCountPercentile } : {}),
    ...(input.Metrics !== undefined ? { metrics: input.Metrics as unknown as Record<string, unknown>[] } : {}),
    ...(input.ThresholdMetricId !== undefined ? { thresholdMetricId: input.ThresholdMetricId } : {}),
    // Tags are set on creation only, as CloudWatch (an update keeps the alarm's tags).
    tags: existing ? existing.doc.tags : input.Tags ?? [],
    configurationUpdatedAt: now.toISOString(),
  };
  const history = historyOp(input.AlarmName, now, 'ConfigurationUpdate',
    `Alarm "${input.AlarmName}" ${existing ? 'updated' : 'created'}`, { version: '1.0', type: existing ? 'Update' : 'Create', createdAlarm: doc });
  await deps.store.commit([existing
    ? { op: 'update', kind: 'alarm', id: input.AlarmName, doc, expectVersion: existing.version }
    : { op: 'create', kind: 'alarm', id: input.AlarmName, doc }, history]);
  deps.kickAlarm?.(input.AlarmName);
});
