import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import type { TagResourceInput, TagResourceOutput } from '../model/shapes.js';
import { taggedAlarm } from '../tags.js';

/** CloudWatch's quota of tags on a resource. */
export const MAX_TAGS = 50;

export default defineCloudWatchAction<TagResourceInput, TagResourceOutput>('TagResource', async (input, deps) => {
  const alarm = await taggedAlarm(deps.store, input.ResourceARN);
  const tags = new Map(alarm.doc.tags.map((t) => [t.Key, t.Value ?? '']));
  for (const t of input.Tags) tags.set(t.Key, t.Value);
  if (tags.size > MAX_TAGS) throw CloudWatchErrors.limitExceeded(`A resource can have at most ${MAX_TAGS} tags.`);
  await deps.store.commit([{ op: 'update', kind: 'alarm', id: alarm.id, expectVersion: alarm.version,
    doc: { ...alarm.doc, tags: [...tags].map(([Key, Value]) => ({ Key, Value })) } }]);
  return {};
});
