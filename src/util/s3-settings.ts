/**
 * How to reach an S3-compatible service (AWS S3, MinIO, Ceph RGW…) for snapshot files: the
 * server's `--snapshot-s3-*` options as the service's configuration holds them and as the
 * snapshot store connects with them. Here, below both, so the two share one definition.
 */
export interface S3Settings {
  /** The service's URL (`http://127.0.0.1:9000` for a MinIO); absent: AWS S3 in `region`. */
  endpoint?: string;
  region: string;
  /** Bucket of the service's own snapshot files; exports and imports name other buckets of the same service. */
  bucket: string;
  /** Key prefix of the snapshot files in `bucket` (`cachefleet/`); empty: the bucket's root. */
  prefix: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible services need. */
  forcePathStyle: boolean;
  /** Both or neither; neither: the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, a profile, an instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
}
