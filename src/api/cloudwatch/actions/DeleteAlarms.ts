import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import type { DeleteAlarmsInput } from '../model/shapes.js';
import type { WriteOp } from '../../../store/index.js';

export default defineCloudWatchAction<DeleteAlarmsInput, void>('DeleteAlarms', async (input, deps) => {
  const found = await Promise.all(input.AlarmNames.map((n) => deps.store.get('alarm', n)));
  // CloudWatch deletes none when one of the names is not an alarm.
  const missing = input.AlarmNames.filter((_, i) => !found[i]);
  if (missing.length) throw CloudWatchErrors.alarmNotFound(missing.join(', '));
  const ops: WriteOp[] = found.map((a) => ({ op: 'delete', kind: 'alarm', id: a!.id, expectVersion: a!.version }));
  // The history stays (CloudWatch keeps it two weeks); the observed state is removed by the controller.
  await deps.store.commit(ops);
  for (const n of input.AlarmNames) deps.kickAlarm?.(n);
});
