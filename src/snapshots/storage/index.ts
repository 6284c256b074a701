/**
 * Where snapshot files live and how they are framed: the object stores (a folder of the data
 * directory, a bucket of an S3-compatible service), the installation's storage from its
 * configuration, and the snapshot file format (zstd, AES-256-GCM records).
 */
export { snapshotStorage, LocalSnapshotStorage, S3SnapshotStorage, type ClosableSnapshotStorage, type SnapshotStorageConfig } from './snapshot-storage.js';
export { LocalObjectStore } from './local-object-store.js';
export { S3ObjectStore, s3Client, normalizePrefix, DEFAULT_UPLOAD, type S3Settings, type UploadTuning } from './s3-object-store.js';
export { encodeSnapshot, decodeSnapshot, RECORD_SIZE, ZSTD_LEVEL, type DecodeOptions } from './framing.js';
export {
  bucketNameProblem, checkBucketName, checkObjectKey, objectKeyProblem, InvalidBucketNameError, InvalidObjectKeyError,
} from './names.js';
