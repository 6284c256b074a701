import { defineCloudWatchAction } from '../deps.js';
import type { UntagResourceInput, UntagResourceOutput } from '../model/shapes.js';
import { taggedAlarm } from '../tags.js';

export default defineCloudWatchAction<UntagResourceInput, UntagResourceOutput>('UntagResource', async (input, deps) => {
  const alarm = await taggedAlarm(deps.store, input.ResourceARN);
  const drop = new Set(input.TagKeys);
  await deps.store.commit([{ op: 'update', kind: 'alarm', id: alarm.id, expectVersion: alarm.version,
    doc: { ...alarm.doc, tags: alarm.doc.tags.filter((t) => !drop.has(t.Key)) } }]);
  return {};
});
