/**
 * What API handlers need of the backup machinery, declared here on a floor below it: src/snapshots
 * implements these (its KeyStore and SnapshotStorage have these members), the service passes them
 * in, and tests pass fakes. Only the shape is restated; the behaviour is documented there.
 */

/** A key of the key store (KMS's key id and ARN), never its material. */
export interface KeyReference {
  id: string;
  arn: string;
}

export interface BackupAccess {
  keys: {
    /** The installation's default key (created on first use). */
    defaultKey(): Promise<KeyReference>;
    /** KmsKeyId as the API takes it (key id, key ARN, alias, alias ARN); undefined when it names no key. */
    resolve(kmsKeyId: string): Promise<KeyReference | undefined>;
  };
  storage: {
    /** A bucket users export to and import from (CopySnapshot TargetBucket, SnapshotArns). */
    bucket(name: string): { head(key: string): Promise<{ key: string; bytes: number } | undefined> };
  };
  /**
   * The restorable stretches (both ends included, whole seconds) of one shard's point-in-time
   * archive under `prefix` in the snapshot store, as of `now` (ms).
   */
  archiveCoverage(prefix: string, now: number): Promise<Array<{ from: Date; to: Date }>>;
  /** The node groups with an archive under a group's archive `root` (shards removed since included). */
  archiveShards(root: string): Promise<string[]>;
}
