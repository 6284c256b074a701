// What CloudWatch actions share: the state store (alarms), the metric store, the clock, the scope
// ARNs are made in, and a nudge for the alarm controller after a change.
import type { MetricStore } from '../../metrics/types.js';
import type { StateStore } from '../../store/index.js';
import type { ActionHandler, ArnScope, RequestContext } from '../types.js';

export interface CloudWatchDeps {
  store: StateStore;
  metrics: MetricStore;
  now: () => Date;
  scope: ArnScope;
  /** Asks the alarm controller to evaluate `alarmName` soon (after a put, a SetAlarmState …). */
  kickAlarm?: (alarmName: string) => void;
  /** Called with the data PutMetricData stored (alarms on custom metrics evaluate on arrival). */
  onData?: (data: import('../../metrics/types.js').MetricDatum[]) => void;
}

export type CloudWatchActionFactory = (deps: CloudWatchDeps) => ActionHandler;

/** One CloudWatch action (one file per action, named as on the wire). */
export function defineCloudWatchAction<I, O>(
  name: string,
  handle: (input: I, deps: CloudWatchDeps, ctx: RequestContext) => Promise<O> | O,
): CloudWatchActionFactory {
  return (deps) => ({ name, handle: (input: I, ctx: RequestContext) => handle(input, deps, ctx) });
}
