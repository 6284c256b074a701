import { defineCloudWatchAction } from '../deps.js';
import type { ListTagsForResourceInput, ListTagsForResourceOutput } from '../model/shapes.js';
import { taggedAlarm } from '../tags.js';

export default defineCloudWatchAction<ListTagsForResourceInput, ListTagsForResourceOutput>('ListTagsForResource', async (input, deps) => {
  const alarm = await taggedAlarm(deps.store, input.ResourceARN);
  return { Tags: alarm.doc.tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' })) };
});
