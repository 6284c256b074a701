/**
 * The alarm controller: evaluates every alarm on a timer and, for the alarms on a metric that just
 * received data, at once (`onData`, a MetricListener). An evaluation reads the alarm's definition
 * (desired state), applies a pending SetAlarmState, computes the state from the data (evaluate.ts),
 * and on a change writes the observed state (`alarmStatus`) and its history, then takes the
 * actions of the new state (the SNS topics) when the alarm's actions are enabled.
 * Evaluations run one at a time, so two never race on an alarm's status.
 */
import { randomBytes } from 'node:crypto';
import type { MetricDatum } from '../metrics/types.js';
import type { AlarmHistoryRecord, AlarmSpec, AlarmStateValue, AlarmStatusRecord, StateStore, Stored, WriteOp } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { breaches, evaluateAlarm, evaluationPeriods, isStaticOperator, settledWhenBreaching, type TreatMissingData } from './evaluate.js';
import { alarmMessage, alarmSubject, type Transition } from './message.js';

/** The alarm's statistic for each period start in [startMs, endMs) that has data. */
export type AlarmDataFetch = (alarm: AlarmSpec, startMs: number, endMs: number) => Promise<Map<number, number>>;

/** Publishes to an SNS topic (the SNS service's Publish, in-process). */
export type TopicPublisher = (topicArn: string, subject: string, message: string) => Promise<void>;

export interface AlarmControllerOptions {
  store: StateStore;
  fetch: AlarmDataFetch;
  publish: TopicPublisher;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  accountId: string;
  region: string;
  /** How often every alarm is evaluated (CloudWatch: every minute); default 10 s. */
  intervalMs?: number;
}

export const ALARM_HISTORY_ID_SEP = '\u0000';

export class AlarmController {
  private timer: NodeJS.Timeout | undefined;
  /** Per alarm: an evaluation just after its current period ends (when that period becomes complete). */
  private readonly periodEnds = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private pendingAll = false;

  constructor(private readonly o: AlarmControllerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.kickAll(), this.o.intervalMs ?? 10_000);
    this.timer.unref();
    this.kickAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const t of this.periodEnds.values()) clearTimeout(t);
    this.periodEnds.clear();
    await this.chain;
  }

  /** Evaluates one alarm soon (after a put, a SetAlarmState, …). */
  kick(alarmName: string): void {
    this.pending.add(alarmName);
    this.schedule();
  }

  kickAll(): void {
    this.pendingAll = true;
    this.schedule();
  }

  /** A MetricListener: the alarms on any metric of `data` are evaluated now. */
  readonly onData = (data: MetricDatum[]): void => {
    const keys = new Set(data.map((d) => `${d.metric.namespace}\u0000${d.metric.metricName}`));
    this.chain = this.chain.then(async () => {
      for (const a of await this.o.store.list('alarm')) {
        const names = a.doc.metrics
          ? a.doc.metrics.map((q) => (q as { MetricStat?: { Metric?: { Namespace?: string; MetricName?: string } } }).MetricStat?.Metric)
            .filter((m) => m !== undefined).map((m) => `${m!.Namespace}\u0000${m!.MetricName}`)
          : [`${a.doc.namespace}\u0000${a.doc.metricName}`];
        if (names.some((n) => keys.has(n))) this.pending.add(a.id);
      }
    });
    this.schedule();
  };

  /** Resolves once everything asked for so far has been evaluated (for tests). */
  async idle(): Promise<void> {
    let last: Promise<void> | undefined;
    while (last !== this.chain) {
      last = this.chain;
      await last;
    }
  }

  private schedule(): void {
    this.chain = this.chain.then(() => this.drain()).catch((err) => this.o.logger.error({ err }, 'alarm evaluation failed'));
  }

  private async drain(): Promise<void> {
    let names: string[];
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      names = (await this.o.store.list('alarm')).map((a) => a.id);
    } else {
      names = [...this.pending];
      this.pending.clear();
    }
    for (const name of names) {
      try {
        await this.evaluateOne(name);
      } catch (err) {
        this.o.logger.warn({ err, alarm: name }, 'could not evaluate alarm');
      }
    }
  }

  /** Evaluates alarm `name` now and applies the outcome. */
  async evaluateOne(name: string): Promise<void> {
    const [alarm, status] = await Promise.all([this.o.store.get('alarm', name), this.o.store.get('alarmStatus', name)]);
    if (!alarm) {
      // Deleted: its observed state goes with it.
      if (status) await this.o.store.commit([{ op: 'delete', kind: 'alarmStatus', id: name, expectVersion: status.version }]);
      return;
    }
    const spec = alarm.doc;
    const current: AlarmStateValue = status?.doc.stateValue ?? 'INSUFFICIENT_DATA';
    const override = spec.stateOverride;
    if (override && override.seq !== status?.doc.overrideSeq) {
      await this.apply(spec, status, { state: override.value, reason: override.reason, ...(override.reasonData ? { reasonData: override.reasonData } : {}) }, override.seq);
      return;
    }
    if (!isStaticOperator(spec.comparisonOperator) || spec.threshold === undefined) return; // refused at PutMetricAlarm
    const periodS = spec.periodS ?? 60;
    const nowMs = this.o.now().getTime();
    this.evaluateAtPeriodEnd(name, nowMs, periodS);
    const withCurrent = evaluationPeriods(nowMs, periodS, spec.evaluationPeriods, true);
    const underWay = withCurrent[withCurrent.length - 1]!;
    const values = await this.o.fetch(spec, withCurrent[0]! - periodS * 1000, underWay + periodS * 1000);
    // The period under way counts only once its breach is settled (evaluate.ts).
    const partial = values.get(underWay);
    const useCurrent = partial !== undefined && !spec.metrics && breaches(partial, spec.comparisonOperator, spec.threshold) &&
      settledWhenBreaching(spec.statistic, spec.comparisonOperator);
    const periods = useCurrent ? withCurrent : evaluationPeriods(nowMs, periodS, spec.evaluationPeriods);
    const outcome = evaluateAlarm({
      periods, values, operator: spec.comparisonOperator, threshold: spec.threshold,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
      treatMissingData: (spec.treatMissingData ?? 'missing') as TreatMissingData, current,
    });
    if (status && outcome.state === current) return; // no transition: nothing to write or do
    const reasonData = JSON.stringify({
      version: '1.0', queryDate: this.o.now().toISOString().replace('Z', '+0000'),
      startDate: new Date(periods[0]!).toISOString().replace('Z', '+0000'),
      ...(spec.extendedStatistic ? { unit: spec.unit, statistic: spec.extendedStatistic } : { statistic: spec.statistic }),
      period: periodS, recentDatapoints: outcome.evaluated.filter((p) => p.value !== undefined).map((p) => p.value).reverse(),
      threshold: spec.threshold,
      evaluatedDatapoints: outcome.evaluated.map((p) => ({ timestamp: new Date(p.timestampMs).toISOString().replace('Z', '+0000'), ...(p.value !== undefined ? { value: p.value } : {}) })),
    });
    await this.apply(spec, status, { state: outcome.state, reason: outcome.reason, reasonData }, status?.doc.overrideSeq);
  }

  /** Evaluates `name` again just after the period holding `nowMs` ends (250 ms of grace for its last data). */
  private evaluateAtPeriodEnd(name: string, nowMs: number, periodS: number): void {
    if (this.stopped || this.periodEnds.has(name)) return;
    const p = periodS * 1000;
    const wait = Math.floor(nowMs / p) * p + p - nowMs + 250;
    const t = setTimeout(() => { this.periodEnds.delete(name); this.kick(name); }, wait);
    t.unref();
    this.periodEnds.set(name, t);
  }

  private async apply(spec: AlarmSpec, status: Stored<'alarmStatus'> | undefined,
    next: { state: AlarmStateValue; reason: string; reasonData?: string }, overrideSeq: number | undefined): Promise<void> {
    const at = this.o.now();
    const old = status?.doc.stateValue ?? 'INSUFFICIENT_DATA';
    const doc: AlarmStatusRecord = {
      alarmName: spec.alarmName, stateValue: next.state, stateReason: next.reason,
      ...(next.reasonData ? { stateReasonData: next.reasonData } : {}),
      stateUpdatedAt: at.toISOString(),
      stateTransitionedAt: old !== next.state || !status ? at.toISOString() : status.doc.stateTransitionedAt,
      ...(overrideSeq !== undefined ? { overrideSeq } : {}),
    };
    const ops: WriteOp[] = [status
      ? { op: 'update', kind: 'alarmStatus', id: spec.alarmName, doc, expectVersion: status.version }
      : { op: 'create', kind: 'alarmStatus', id: spec.alarmName, doc }];
    const changed = old !== next.state;
    if (changed) {
      ops.push(historyOp(spec.alarmName, at, 'StateUpdate', `Alarm updated from ${old} to ${next.state}`, {
        version: '1.0', oldState: { stateValue: old, stateReason: status?.doc.stateReason ?? 'Unchecked: Initial alarm creation' },
        newState: { stateValue: next.state, stateReason: next.reason, ...(next.reasonData ? { stateReasonData: JSON.parse(next.reasonData) } : {}) },
      }));
    }
    await this.o.store.commit(ops);
    if (!changed) return;
    this.o.logger.info({ alarm: spec.alarmName, from: old, to: next.state }, `alarm ${spec.alarmName}: ${old} → ${next.state}`);
    if (!spec.actionsEnabled) return;
    const actions = next.state === 'ALARM' ? spec.alarmActions : next.state === 'OK' ? spec.okActions : spec.insufficientDataActions;
    const t: Transition = { oldState: old, newState: next.state, reason: next.reason, ...(next.reasonData ? { reasonData: next.reasonData } : {}), at };
    for (const arn of actions) await this.act(spec, arn, t);
  }

  private async act(spec: AlarmSpec, arn: string, t: Transition): Promise<void> {
    let summary: string;
    let ok = true;
    try {
      await this.o.publish(arn, alarmSubject(spec, t, this.o.region), alarmMessage(spec, t, this.o.accountId, this.o.region));
      summary = `Successfully executed action ${arn}`;
    } catch (err) {
      ok = false;
      summary = `Failed to execute action ${arn}. Received error: "${(err as Error).message}"`;
      this.o.logger.warn({ err, alarm: spec.alarmName, action: arn }, 'alarm action failed');
    }
    await this.o.store.commit([historyOp(spec.alarmName, this.o.now(), 'Action', summary,
      { actionState: ok ? 'Succeeded' : 'Failed', notificationResource: arn, stateUpdateTimestamp: t.at.getTime() })]);
  }
}

/** Orders history items written in the same millisecond by this process. */
let historySeq = 0;

/**
 * A new history item of `alarmName` (each its own record): ids ordered by alarm, then time, then
 * the order this process wrote them in (the random tail keeps two processes' ids apart).
 */
export function historyOp(alarmName: string, at: Date, type: AlarmHistoryRecord['historyItemType'], summary: string, data: unknown): WriteOp {
  const seq = String(historySeq++ % 1e9).padStart(9, '0');
  const id = `${alarmName}${ALARM_HISTORY_ID_SEP}${at.toISOString()}${ALARM_HISTORY_ID_SEP}${seq}${randomBytes(4).toString('hex')}`;
  const doc: AlarmHistoryRecord = { alarmName, timestamp: at.toISOString(), historyItemType: type, historySummary: summary, historyData: JSON.stringify(data) };
  return { op: 'create', kind: 'alarmHistory', id, doc };
}
