import { CommonErrors } from '../errors/index.js';
import type { Services } from '../core/index.js';
import type { KmsKeyRecord } from '../store/index.js';

/**
 * KmsKeyId as the API takes it (a key id, key ARN, alias or alias ARN of the key store in the
 * data directory) resolved to the key records keep; without one, the installation's default
 * key. A KmsKeyId that names no key is the caller's mistake, said plainly.
 */
export async function resolveKmsKey(svc: Services, kmsKeyId: string | undefined): Promise<KmsKeyRecord> {
  if (kmsKeyId === undefined || kmsKeyId === '') {
    const k = await svc.backups.keys.defaultKey();
    return { id: k.id, arn: k.arn };
  }
  const k = await svc.backups.keys.resolve(kmsKeyId);
  if (!k) {
    throw CommonErrors.invalidParameterValue(
      `KmsKeyId '${kmsKeyId}' names no key of this service's key store: give a key id, a key ARN (arn:aws:kms:…:key/<id>), an alias (alias/<name>) or an alias ARN of an existing key.`);
  }
  return { id: k.id, arn: k.arn };
}
