import type { ListTagsForResourceMessage, TagListMessage } from '../model/shapes.js';
import { readTags, resolveTaggableArn } from '../../resources/tags.js';
import { defineAction } from './define.js';

/** The tags of a resource; an existing resource without tags has an empty list. */
export default defineAction<ListTagsForResourceMessage, TagListMessage>('ListTagsForResource', async (input, svc) => {
  const arn = await resolveTaggableArn(svc, input.ResourceName);
  return { TagList: (await readTags(svc.store, arn)).tags };
});
