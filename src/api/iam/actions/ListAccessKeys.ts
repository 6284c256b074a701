import { defineIamAction, page, requireUser, targetUserName } from '../deps.js';
import type { ListAccessKeysRequest, ListAccessKeysResponse } from '../model/shapes.js';
import { presentKey } from '../present.js';

/** The user's keys without their secrets. */
export default defineIamAction<ListAccessKeysRequest, ListAccessKeysResponse>('ListAccessKeys', (input, deps, ctx) => {
  const name = targetUserName(input, deps, ctx);
  requireUser(deps.directory.snapshot, name);
  const keys = deps.directory.keysOf(name).sort((a, b) => (a.accessKeyId < b.accessKeyId ? -1 : 1));
  const p = page(keys, (k) => k.accessKeyId, input);
  return { AccessKeyMetadata: p.items.map(presentKey), IsTruncated: p.IsTruncated, Marker: p.Marker };
});
