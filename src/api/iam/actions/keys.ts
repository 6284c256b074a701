import { IamErrors, iamId, type IamSnapshot } from '../../../iam/index.js';
import type { Stored } from '../../../store/index.js';
import { requireUser } from '../deps.js';

/** The key `accessKeyId` of user `userName`: NoSuchEntity when either is missing or the key is another's. */
export function requireKey(snap: IamSnapshot, userName: string, accessKeyId: string): Stored<'iamAccessKey'> {
  requireUser(snap, userName);
  const key = snap.keys.get(accessKeyId);
  if (!key || iamId(key.doc.userName) !== iamId(userName)) throw IamErrors.noSuchAccessKey(accessKeyId);
  return key;
}
