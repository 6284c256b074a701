/**
 * The pure part of an alarm's evaluation, as CloudWatch documents it ("Evaluating an alarm"): the
 * last EvaluationPeriods complete periods, each breaching, not breaching or missing; ALARM when at
 * least DatapointsToAlarm of them breach. The period under way counts too when it already breaches
 * and no later data of the period can take that back (see {@link settledWhenBreaching}), so an
 * alarm on a Sum or a Maximum fires when the crossing datum arrives, not at the period's end.
 * Missing periods follow TreatMissingData:
 *  - breaching / notBreaching: a missing period counts as breaching / not breaching;
 *  - missing / ignore: only the periods with data count. With none at all, `missing` gives
 *    INSUFFICIENT_DATA and `ignore` keeps the current state. With fewer than DatapointsToAlarm,
 *    CloudWatch evaluates on what there is: ALARM when every one of them breaches, else OK.
 */
import type { AlarmStateValue } from '../store/index.js';

export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export const STATIC_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export type StaticOperator = typeof STATIC_OPERATORS[number];

export function isStaticOperator(op: string): op is StaticOperator {
  return (STATIC_OPERATORS as readonly string[]).includes(op);
}

export function breaches(value: number, op: StaticOperator, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanOrEqualToThreshold': return value >= threshold;
    case 'GreaterThanThreshold': return value > threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
  }
}

export interface EvaluationInput {
  /** Start of each of the evaluated periods, oldest first (EvaluationPeriods of them). */
  periods: number[];
  /** The alarm's statistic of each period that has data. */
  values: Map<number, number>;
  operator: StaticOperator;
  threshold: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  current: AlarmStateValue;
}

export interface EvaluationOutcome {
  state: AlarmStateValue;
  /** The periods that decided it, newest first, with their values (for the reason). */
  evaluated: Array<{ timestampMs: number; value?: number; breaching: boolean }>;
  /** Why, in CloudWatch's words. */
  reason: string;
}

export function evaluateAlarm(e: EvaluationInput): EvaluationOutcome {
  const points = [...e.periods].reverse().map((t) => {
    const value = e.values.get(t);
    const breaching = value === undefined ? e.treatMissingData === 'breaching' : breaches(value, e.operator, e.threshold);
    return { timestampMs: t, ...(value !== undefined ? { value } : {}), breaching };
  });
  const present = points.filter((p) => p.value !== undefined);
  const counted = e.treatMissingData === 'breaching' || e.treatMissingData === 'notBreaching' ? points : present;
  if (counted.length === 0) {
    if (e.treatMissingData === 'ignore') {
      return { state: e.current, evaluated: [], reason: 'No data in the evaluation range; TreatMissingData is ignore, so the state is kept.' };
    }
    return {
      state: 'INSUFFICIENT_DATA', evaluated: [],
      reason: `Insufficient Data: ${e.periods.length} datapoint${e.periods.length === 1 ? ' was' : 's were'} unknown.`,
    };
  }
  const breaching = counted.filter((p) => p.breaching);
  const alarm = counted.length >= e.datapointsToAlarm ? breaching.length >= e.datapointsToAlarm : breaching.length === counted.length;
  return { state: alarm ? 'ALARM' : 'OK', evaluated: counted, reason: thresholdReason(counted, alarm, e) };
}

const OPERATOR_WORDS: Record<StaticOperator, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** CloudWatch's reason: `Threshold Crossed: 1 datapoint [95.0 (05/12/26 03:00:00)] was greater than the threshold (80.0).` */
function thresholdReason(points: EvaluationOutcome['evaluated'], alarm: boolean, e: EvaluationInput): string {
  const shown = (alarm ? points.filter((p) => p.breaching) : points.filter((p) => !p.breaching)).filter((p) => p.value !== undefined);
  const list = shown.map((p) => `${fmt(p.value!)} (${stamp(p.timestampMs)})`).join(', ');
  const n = shown.length;
  const verb = alarm ? 'was' : 'was not';
  const plural = n === 1 ? `1 datapoint [${list}] ${verb}` : `${n} datapoints [${list}] were${alarm ? '' : ' not'}`;
  const missing = points.length - n > 0 && n === 0 ? `${points.length} missing datapoint(s) treated as ${alarm ? 'breaching' : 'not breaching'}` : plural;
  return `Threshold Crossed: ${n === 0 ? missing : plural} ${OPERATOR_WORDS[e.operator]} the threshold (${fmt(e.threshold)}).`;
}

const fmt = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

/** dd/MM/yy HH:mm:ss in UTC, as CloudWatch writes datapoints in reasons. */
function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * The starts of the `n` periods of `periodS` to evaluate at `nowMs`, oldest first: the last `n`
 * complete ones, or, with `withCurrent`, the last `n - 1` and the one holding `nowMs`.
 */
export function evaluationPeriods(nowMs: number, periodS: number, n: number, withCurrent = false): number[] {
  const p = periodS * 1000;
  const last = Math.floor(nowMs / p) * p - (withCurrent ? 0 : p);
  return Array.from({ length: n }, (_, i) => last - (n - 1 - i) * p);
}

/**
 * Whether a period under way that breaches stays breaching whatever else arrives in it: its statistic
 * only moves towards the threshold's far side (Sum, SampleCount and Maximum only grow with more
 * data — values are non-negative counts for Sum here —, Minimum only shrinks). An Average or a
 * percentile of a partial period may still change side, so such periods wait for their end.
 */
export function settledWhenBreaching(statistic: string | undefined, op: StaticOperator): boolean {
  const upward = op === 'GreaterThanThreshold' || op === 'GreaterThanOrEqualToThreshold';
  if (statistic === 'Sum' || statistic === 'SampleCount' || statistic === 'Maximum') return upward;
  if (statistic === 'Minimum') return !upward;
  return false;
}
