import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import type { SetAlarmStateInput } from '../model/shapes.js';

/**
 * Asks the controller to set the alarm's state (recorded with the definition: the observed state is
 * the controller's to write); the controller applies it, takes the actions of the new state, and
 * its next evaluation sets the state from the data again, as CloudWatch does.
 */
export default defineCloudWatchAction<SetAlarmStateInput, void>('SetAlarmState', async (input, deps) => {
  if (input.StateReasonData !== undefined) {
    try { JSON.parse(input.StateReasonData); } catch { throw CloudWatchErrors.invalidFormat('The parameter StateReasonData is not valid JSON.'); }
  }
  const alarm = await deps.store.get('alarm', input.AlarmName);
  if (!alarm) throw CloudWatchErrors.alarmNotFound(input.AlarmName);
  const seq = (alarm.doc.stateOverride?.seq ?? 0) + 1;
  await deps.store.commit([{ op: 'update', kind: 'alarm', id: alarm.id, expectVersion: alarm.version, doc: {
    ...alarm.doc, stateOverride: { value: input.StateValue, reason: input.StateReason, ...(input.StateReasonData !== undefined ? { reasonData: input.StateReasonData } : {}), seq },
  } }]);
  deps.kickAlarm?.(input.AlarmName);
});
