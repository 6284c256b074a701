import { IamErrors } from '../../../iam/index.js';
import { defineIamAction, targetUserName } from '../deps.js';
import type { UpdateAccessKeyRequest } from '../model/shapes.js';
import { requireKey } from './keys.js';

/** Active ↔ Inactive: an Inactive key's requests are refused as an unknown key's (InvalidClientTokenId). */
export default defineIamAction<UpdateAccessKeyRequest, void>('UpdateAccessKey', async (input, deps, ctx) => {
  const name = targetUserName(input, deps, ctx);
  const status = input.Status;
  if (status !== 'Active' && status !== 'Inactive') {
    throw IamErrors.validation(`Invalid status ${status}: an access key is made Active or Inactive.`);
  }
  await deps.directory.mutate((snap) => {
    const key = requireKey(snap, name, input.AccessKeyId);
    if (key.doc.status === status) return { ops: [], result: undefined };
    return { ops: [{ op: 'update', kind: 'iamAccessKey', id: key.id, doc: { ...key.doc, status }, expectVersion: key.version }],
      result: undefined };
  });
});
