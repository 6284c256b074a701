import { defineAction } from '../../actions/define.js';
import type { DeleteTagsRequest } from '../model/shapes.js';
import { changeTags } from '../tag-changes.js';
import { withoutTags } from '../tags.js';

/** Removes tags (all of them when none is named; a tag with a Value only when its value matches). */
export default defineAction<DeleteTagsRequest, void>('DeleteTags', async (input, svc) => {
  await changeTags(svc, input, (_id, tags) => withoutTags(tags, input.Tags));
});
