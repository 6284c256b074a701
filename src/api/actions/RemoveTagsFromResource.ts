import { fault } from '../../errors/index.js';
import type { RemoveTagsFromResourceMessage, TagListMessage } from '../model/shapes.js';
import { retryOnConflict } from '../../resources/commit.js';
import { readTags, resolveTaggableArn, writeTagsOp } from '../../resources/tags.js';
import { defineAction } from './define.js';

/** Removes tags by key; a key the resource does not have is TagNotFound (and nothing is removed). */
export default defineAction<RemoveTagsFromResourceMessage, TagListMessage>('RemoveTagsFromResource', async (input, svc) =>
  retryOnConflict(async () => {
    const arn = await resolveTaggableArn(svc, input.ResourceName);
    const current = await readTags(svc.store, arn);
    const missing = input.TagKeys.filter((k) => !current.tags.some((t) => t.Key === k));
    if (missing.length) {
      throw fault('TagNotFoundFault', `${arn} has no tag with key ${missing.map((k) => `'${k}'`).join(', ')}.`);
    }
    const tags = current.tags.filter((t) => !input.TagKeys.includes(t.Key!));
    await svc.store.commit(writeTagsOp(arn, tags, current.version));
    return { TagList: tags };
  }));
