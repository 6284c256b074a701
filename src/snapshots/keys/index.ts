/**
 * The keys of encryption at rest: the data directory's key store and KMS's names for keys
 * (ids, ARNs, aliases) that `KmsKeyId` may give.
 */
export { FileKeyStore, type KeyEntry, type KeyOwner } from './file-key-store.js';
export { aliasProblem, DEFAULT_ALIAS, kmsArn, parseKmsKeyId, type KmsKeyName } from './kms-names.js';
