// PutMetricAlarm's checks (CloudWatch's documented rules) and the presentation of stored alarms
// as the model's MetricAlarm.
import { isStaticOperator } from '../../alarms/index.js';
import type { AlarmSpec, AlarmStatusRecord, StateStore, Stored } from '../../store/index.js';
import type { ArnScope } from '../types.js';
import { CloudWatchErrors } from './errors.js';
import type { MetricAlarm, PutMetricAlarmInput } from './model/shapes.js';
import { percentileOf } from './statistics.js';

const invalid = CloudWatchErrors.invalidParameterValue;
const TREAT_MISSING = ['missing', 'notBreaching', 'breaching', 'ignore'];

/** Checks a PutMetricAlarm request; throws CloudWatch's error for the first problem. */
export async function checkAlarmInput(input: PutMetricAlarmInput, store: StateStore, scope: ArnScope): Promise<void> {
  if (input.EvaluationPeriods === undefined) throw CloudWatchErrors.missingParameter('EvaluationPeriods');
  if (input.ComparisonOperator === undefined) throw CloudWatchErrors.missingParameter('ComparisonOperator');
  if (!isStaticOperator(input.ComparisonOperator)) {
    throw invalid(`The comparison operator ${input.ComparisonOperator} compares with an anomaly detection band, which cachefleet does not compute; use a static threshold.`);
  }
  if (input.Threshold === undefined) throw CloudWatchErrors.missingParameter('Threshold');
  if (input.EvaluationCriteria !== undefined) throw invalid('EvaluationCriteria (PromQL alarms) is not supported by cachefleet.');
  const single = input.MetricName !== undefined || input.Namespace !== undefined || input.Statistic !== undefined || input.ExtendedStatistic !== undefined;
  if (single && input.Metrics !== undefined) {
    throw CloudWatchErrors.invalidParameterCombination('Metrics cannot be given together with MetricName, Namespace, Statistic or ExtendedStatistic.');
  }
  if (input.Metrics === undefined) {
    if (input.MetricName === undefined) throw CloudWatchErrors.missingParameter('MetricName');
    if (input.Namespace === undefined) throw CloudWatchErrors.missingParameter('Namespace');
    if (input.Period === undefined) throw CloudWatchErrors.missingParameter('Period');
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
      throw CloudWatchErrors.invalidParameterCombination('Exactly one of Statistic and ExtendedStatistic must be given.');
    }
    if (input.ExtendedStatistic !== undefined && percentileOf(input.ExtendedStatistic) === undefined) {
      throw invalid(`The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not a percentile (pNN.NN) cachefleet computes.`);
    }
  } else {
    const returned = input.Metrics.filter((q) => q.ReturnData !== false);
    if (returned.length !== 1) throw invalid('Exactly one query of Metrics must have ReturnData true: the one the alarm watches.');
  }
  const period = input.Period ?? input.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 60;
  if (![10, 30].includes(period) && period % 60 !== 0) throw invalid('The parameter Period must be 10, 30 or a multiple of 60.');
  if (period * input.EvaluationPeriods > 7 * 86400) {
    throw invalid('The alarm evaluates too much data: Period multiplied by EvaluationPeriods must not exceed 7 days.');
  }
  if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods) {
    throw invalid('The parameter DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  }
  if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData)) {
    throw invalid(`The value ${input.TreatMissingData} for parameter TreatMissingData is invalid: it must be one of ${TREAT_MISSING.join(', ')}.`);
  }
  for (const [list, arns] of [['AlarmActions', input.AlarmActions], ['OKActions', input.OKActions], ['InsufficientDataActions', input.InsufficientDataActions]] as const) {
    for (const arn of arns ?? []) await checkAction(arn, list, store, scope);
  }
}

/**
 * An action must be an SNS topic ARN (other action kinds are refused). A topic of this account and
 * region must exist; one of another account or region is accepted, as CloudWatch accepts any
 * well-formed topic ARN, and its action fails when taken (recorded in the alarm's history).
 */
async function checkAction(arn: string, list: string, store: StateStore, scope: ArnScope): Promise<void> {
  const m = /^arn:aws:sns:([^:]+):([^:]+):([A-Za-z0-9_-]{1,256})$/.exec(arn);
  if (!m) {
    throw invalid(`Invalid arn syntax: ${arn} in ${list}. cachefleet's alarms take SNS topic ARNs only (arn:aws:sns:<region>:<account>:<topic>).`);
  }
  if (m[1] === scope.region && m[2] === scope.accountId && !(await store.get('snsTopic', m[3]!))) {
    throw invalid(`The SNS topic ${arn} in ${list} does not exist.`);
  }
}

export function presentAlarm(a: AlarmSpec, s: AlarmStatusRecord | undefined): MetricAlarm {
  return {
    AlarmName: a.alarmName, AlarmArn: a.alarmArn, AlarmDescription: a.alarmDescription,
    AlarmConfigurationUpdatedTimestamp: a.configurationUpdatedAt, ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions, AlarmActions: a.alarmActions, InsufficientDataActions: a.insufficientDataActions,
    StateValue: s?.stateValue ?? 'INSUFFICIENT_DATA', StateReason: s?.stateReason ?? 'Unchecked: Initial alarm creation',
    StateReasonData: s?.stateReasonData, StateUpdatedTimestamp: s?.stateUpdatedAt ?? a.configurationUpdatedAt,
    StateTransitionedTimestamp: s?.stateTransitionedAt ?? a.configurationUpdatedAt,
    MetricName: a.metricName, Namespace: a.namespace, Statistic: a.statistic as MetricAlarm['Statistic'],
    ExtendedStatistic: a.extendedStatistic, Dimensions: a.metrics ? undefined : a.dimensions, Period: a.metrics ? undefined : a.periodS,
    Unit: a.unit as MetricAlarm['Unit'], EvaluationPeriods: a.evaluationPeriods, DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold, ComparisonOperator: a.comparisonOperator as MetricAlarm['ComparisonOperator'],
    TreatMissingData: a.treatMissingData, EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile,
    Metrics: a.metrics as MetricAlarm['Metrics'], ThresholdMetricId: a.thresholdMetricId,
  };
}

/** Every alarm with its status, by name. */
export async function loadAlarms(store: StateStore): Promise<Array<{ spec: Stored<'alarm'>; status?: AlarmStatusRecord }>> {
  const [specs, statuses] = await Promise.all([store.list('alarm'), store.list('alarmStatus')]);
  const byName = new Map(statuses.map((s) => [s.id, s.doc]));
  return specs.map((spec) => ({ spec, ...(byName.has(spec.id) ? { status: byName.get(spec.id)! } : {}) }));
}
