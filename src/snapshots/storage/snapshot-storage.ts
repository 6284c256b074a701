/**
 * The installation's {@link SnapshotStorage}, from the service's configuration in one call:
 * - by default the data directory: snapshot files in `snapshots/`, bucket `<name>` in the folder
 *   `buckets/<name>/`, so export and import work out of the box;
 * - with an S3 service configured (`--snapshot-s3-bucket` …): snapshot files in that bucket
 *   under its prefix, and bucket `<name>` the bucket of that name on the same service.
 */
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { dataPaths } from '../../paths/index.js';
import type { ObjectStore, SnapshotStorage } from '../types.js';
import { LocalObjectStore } from './local-object-store.js';
import { checkBucketName } from './names.js';
import { s3Client, S3ObjectStore, type S3Settings } from './s3-object-store.js';

/** What the factory reads of the service's configuration (ServiceConfig has these fields). */
export interface SnapshotStorageConfig {
  dataDir: string;
  /** Absent: the data directory. */
  snapshotS3?: S3Settings;
}

/** A SnapshotStorage the service owns: `close` releases its connections at stop. */
export interface ClosableSnapshotStorage extends SnapshotStorage {
  close(): void;
  /** Throws a readable error when the store cannot be used (S3: bucket missing, credentials refused). */
  probe(): Promise<void>;
}

export function snapshotStorage(config: SnapshotStorageConfig): ClosableSnapshotStorage {
  return config.snapshotS3 ? new S3SnapshotStorage(config.snapshotS3) : new LocalSnapshotStorage(config.dataDir);
}

/** Everything in the data directory. */
export class LocalSnapshotStorage implements ClosableSnapshotStorage {
  readonly snapshots: ObjectStore;
  private readonly bucketsDir: string;

  constructor(dataDir: string) {
    const paths = dataPaths(dataDir);
    this.snapshots = new LocalObjectStore(paths.snapshots, 'the data directory (snapshots/)');
    this.bucketsDir = paths.buckets;
  }

  bucket(name: string): ObjectStore {
    checkBucketName(name);
    return new LocalObjectStore(join(this.bucketsDir, name), `bucket ${name} (the data directory's buckets/${name}/)`);
  }

  close(): void {}

  async probe(): Promise<void> {}
}

/** Everything on one S3-compatible service. */
export class S3SnapshotStorage implements ClosableSnapshotStorage {
  readonly snapshots: S3ObjectStore;
  private readonly client: S3Client;

  constructor(settings: S3Settings) {
    this.client = s3Client(settings);
    this.snapshots = new S3ObjectStore(this.client, settings.bucket, settings.prefix);
  }

  bucket(name: string): ObjectStore {
    return new S3ObjectStore(this.client, name);
  }

  close(): void {
    this.client.destroy();
  }

  probe(): Promise<void> {
    return this.snapshots.probe();
  }
}
