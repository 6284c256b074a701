import type { AddTagsToResourceMessage, TagListMessage } from '../model/shapes.js';
import { retryOnConflict } from '../../resources/commit.js';
import { checkPointInTimeTags } from '../../resources/point-in-time.js';
import { checkTagQuota, mergeTags, readTags, resolveTaggableArn, validateTag, writeTagsOp } from '../../resources/tags.js';
import { defineAction } from './define.js';

/** Adds tags to a resource, replacing the value of keys it already has. Returns all its tags. */
export default defineAction<AddTagsToResourceMessage, TagListMessage>('AddTagsToResource', async (input, svc) => {
  const added = input.Tags.map(validateTag);
  return retryOnConflict(async () => {
    const arn = await resolveTaggableArn(svc, input.ResourceName);
    checkPointInTimeTags(arn, added, 'add');
    const current = await readTags(svc.store, arn);
    const tags = mergeTags(current.tags, added);
    checkTagQuota(arn, tags);
    await svc.store.commit(writeTagsOp(arn, tags, current.version));
    return { TagList: tags };
  });
});
