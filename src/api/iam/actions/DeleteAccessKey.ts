import { defineIamAction, targetUserName } from '../deps.js';
import type { DeleteAccessKeyRequest } from '../model/shapes.js';
import { requireKey } from './keys.js';

export default defineIamAction<DeleteAccessKeyRequest, void>('DeleteAccessKey', async (input, deps, ctx) => {
  const name = targetUserName(input, deps, ctx);
  await deps.directory.mutate((snap) => {
    const key = requireKey(snap, name, input.AccessKeyId);
    return { ops: [{ op: 'delete', kind: 'iamAccessKey', id: key.id, expectVersion: key.version }], result: undefined };
  });
});
