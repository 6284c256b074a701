import { defineCloudWatchAction } from '../deps.js';
import type { DisableAlarmActionsInput } from '../model/shapes.js';
import type { WriteOp } from '../../../store/index.js';

/** Names that are not alarms are skipped, as CloudWatch does. */
export default defineCloudWatchAction<DisableAlarmActionsInput, void>('DisableAlarmActions', async (input, deps) => {
  const found = await Promise.all(input.AlarmNames.map((n) => deps.store.get('alarm', n)));
  const ops: WriteOp[] = found.flatMap((a) => (a && a.doc.actionsEnabled !== false
    ? [{ op: 'update' as const, kind: 'alarm' as const, id: a.id, expectVersion: a.version, doc: { ...a.doc, actionsEnabled: false } }] : []));
  if (ops.length) await deps.store.commit(ops);
});
