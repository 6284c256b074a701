/**
 * `cachefleet server`'s `--snapshot-s3-*` options: where snapshot files live when the data
 * directory is not the place (an S3-compatible service: AWS S3, MinIO, Ceph RGW). Without
 * `--snapshot-s3-bucket` none of them applies and snapshots stay in the data directory.
 */
import type { Command } from 'commander';
import type { SnapshotS3Config } from '../core/index.js';
import { bucketNameProblem, normalizePrefix } from '../snapshots/storage/index.js';

export interface SnapshotS3Options {
  snapshotS3Bucket?: string;
  snapshotS3Endpoint?: string;
  snapshotS3Region?: string;
  snapshotS3Prefix?: string;
  snapshotS3PathStyle?: boolean;
  snapshotS3AccessKeyId?: string;
  snapshotS3SecretAccessKey?: string;
}

export function addSnapshotS3Options(cmd: Command): Command {
  return cmd
    .option('--snapshot-s3-bucket <bucket>', 'keep snapshot files in this bucket of an S3-compatible service (AWS S3, MinIO, Ceph RGW) ' +
      'instead of the data directory; CopySnapshot --target-bucket and SnapshotArns then name buckets of that service too')
    .option('--snapshot-s3-endpoint <url>', 'with --snapshot-s3-bucket: the S3-compatible service, e.g. http://127.0.0.1:9000 ' +
      '(default: AWS S3 in --snapshot-s3-region)')
    .option('--snapshot-s3-region <region>', 'with --snapshot-s3-bucket: the S3 region (default: $AWS_REGION, else us-east-1)')
    .option('--snapshot-s3-prefix <prefix>', 'with --snapshot-s3-bucket: key prefix of the snapshot files in the bucket, e.g. cachefleet/ (default: none)')
    .option('--snapshot-s3-path-style', 'with --snapshot-s3-bucket: path-style URLs, endpoint/bucket/key (default: on with --snapshot-s3-endpoint, off for AWS S3)')
    .option('--no-snapshot-s3-path-style', 'with --snapshot-s3-bucket: virtual-hosted URLs, bucket.endpoint/key')
    .option('--snapshot-s3-access-key-id <id>', 'with --snapshot-s3-bucket: the S3 access key (default: the AWS SDK\'s chain: ' +
      '$AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, a profile, an instance role; the environment is better: a command line is visible to other users)')
    .option('--snapshot-s3-secret-access-key <secret>', 'with --snapshot-s3-access-key-id: its secret');
}

/** The configuration the options describe (undefined: the data directory); throws a readable error on a bad combination. */
export function snapshotS3Config(o: SnapshotS3Options, env: NodeJS.ProcessEnv = process.env): SnapshotS3Config | undefined {
  const given = (Object.keys(FLAGS) as (keyof SnapshotS3Options)[]).filter((k) => o[k] !== undefined).map((k) => FLAGS[k]);
  if (o.snapshotS3Bucket === undefined) {
    if (given.length) throw new Error(`${given.join(', ')} need${given.length === 1 ? 's' : ''} --snapshot-s3-bucket`);
    return undefined;
  }
  const problem = bucketNameProblem(o.snapshotS3Bucket);
  if (problem) throw new Error(`--snapshot-s3-bucket: ${problem}`);
  if (o.snapshotS3Endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(o.snapshotS3Endpoint);
    } catch {
      throw new Error(`--snapshot-s3-endpoint must be a URL such as http://127.0.0.1:9000 (got ${o.snapshotS3Endpoint})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--snapshot-s3-endpoint must be http:// or https:// (got ${o.snapshotS3Endpoint})`);
  }
  if ((o.snapshotS3AccessKeyId === undefined) !== (o.snapshotS3SecretAccessKey === undefined)) {
    throw new Error('--snapshot-s3-access-key-id and --snapshot-s3-secret-access-key go together: give both, or neither to use the AWS SDK\'s chain');
  }
  let prefix: string;
  try {
    prefix = normalizePrefix(o.snapshotS3Prefix ?? '');
  } catch (err) {
    throw new Error(`--snapshot-s3-prefix: ${(err as Error).message}`);
  }
  return {
    bucket: o.snapshotS3Bucket,
    region: o.snapshotS3Region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    prefix,
    forcePathStyle: o.snapshotS3PathStyle ?? o.snapshotS3Endpoint !== undefined,
    ...(o.snapshotS3Endpoint !== undefined ? { endpoint: o.snapshotS3Endpoint } : {}),
    ...(o.snapshotS3AccessKeyId !== undefined && o.snapshotS3SecretAccessKey !== undefined
      ? { accessKeyId: o.snapshotS3AccessKeyId, secretAccessKey: o.snapshotS3SecretAccessKey }
      : {}),
  };
}

const FLAGS: Record<keyof SnapshotS3Options, string> = {
  snapshotS3Bucket: '--snapshot-s3-bucket',
  snapshotS3Endpoint: '--snapshot-s3-endpoint',
  snapshotS3Region: '--snapshot-s3-region',
  snapshotS3Prefix: '--snapshot-s3-prefix',
  snapshotS3PathStyle: '--snapshot-s3-path-style',
  snapshotS3AccessKeyId: '--snapshot-s3-access-key-id',
  snapshotS3SecretAccessKey: '--snapshot-s3-secret-access-key',
};
