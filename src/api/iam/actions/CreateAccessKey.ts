import { IamErrors, newAccessKeyPair } from '../../../iam/index.js';
import type { IamAccessKeyRecord } from '../../../store/index.js';
import { defineIamAction, requireUser, targetUserName } from '../deps.js';
import type { CreateAccessKeyRequest, CreateAccessKeyResponse } from '../model/shapes.js';

/** IAM's quota of access keys per user. */
export const MAX_KEYS_PER_USER = 2;

/** A new Active key; its secret is in this answer and never shown again. */
export default defineIamAction<CreateAccessKeyRequest, CreateAccessKeyResponse>('CreateAccessKey', async (input, deps, ctx) => {
  const name = targetUserName(input, deps, ctx);
  const key = await deps.directory.mutate((snap) => {
    const user = requireUser(snap, name);
    if (deps.directory.keysOf(name).length >= MAX_KEYS_PER_USER) {
      throw IamErrors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}.`);
    }
    const doc: IamAccessKeyRecord = { ...newAccessKeyPair(), userName: user.doc.userName, status: 'Active', createdAt: deps.now().toISOString() };
    return { ops: [{ op: 'create', kind: 'iamAccessKey', id: doc.accessKeyId, doc }], result: doc };
  });
  return { AccessKey: { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status,
    SecretAccessKey: key.secretAccessKey, CreateDate: key.createdAt } };
});
