import { defineAction } from '../../actions/define.js';
import type { CreateTagsRequest } from '../model/shapes.js';
import { changeTags } from '../tag-changes.js';
import { validateTag, withTags } from '../tags.js';

/** Adds or overwrites tags on security groups and network interfaces. */
export default defineAction<CreateTagsRequest, void>('CreateTags', async (input, svc) => {
  const added = input.Tags.map(validateTag);
  await changeTags(svc, input, (id, tags) => withTags(id, tags, added));
});
