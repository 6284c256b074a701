import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { defaultConfig } from '../core/index.js';
import { LocalSnapshotStorage, S3SnapshotStorage, snapshotStorage } from '../snapshots/storage/index.js';
import { addSnapshotS3Options, snapshotS3Config, type SnapshotS3Options } from './snapshot-s3-options.js';

/** The options commander makes of `args`. */
function parse(args: string[]): SnapshotS3Options {
  const cmd = addSnapshotS3Options(new Command().exitOverride()).action(() => {});
  cmd.parse(args, { from: 'user' });
  return cmd.opts<SnapshotS3Options>();
}

describe('cachefleet server --snapshot-s3-*', () => {
  it('keeps snapshots in the data directory without --snapshot-s3-bucket', () => {
    assert.equal(snapshotS3Config(parse([]), {}), undefined);
    const storage = snapshotStorage(defaultConfig({ dataDir: '/var/lib/cachefleet' }));
    assert.ok(storage instanceof LocalSnapshotStorage);
    assert.match(storage.snapshots.where, /data directory/);
  });

  it('describes an S3-compatible service, path style with an endpoint', () => {
    const cfg = snapshotS3Config(parse(['--snapshot-s3-bucket', 'backups', '--snapshot-s3-endpoint', 'http://127.0.0.1:9000',
      '--snapshot-s3-prefix', 'cachefleet', '--snapshot-s3-access-key-id', 'AKIA', '--snapshot-s3-secret-access-key', 'shh']), {});
    assert.deepEqual(cfg, { bucket: 'backups', region: 'us-east-1', prefix: 'cachefleet/', forcePathStyle: true,
      endpoint: 'http://127.0.0.1:9000', accessKeyId: 'AKIA', secretAccessKey: 'shh' });
    const storage = snapshotStorage(defaultConfig({ snapshotS3: cfg! }));
    try {
      assert.ok(storage instanceof S3SnapshotStorage);
      assert.equal(storage.snapshots.where, 's3://backups/cachefleet/');
      assert.equal(storage.bucket('exports').where, 's3://exports/');
    } finally {
      storage.close();
    }
  });

  it('takes AWS S3 defaults from the environment', () => {
    assert.deepEqual(snapshotS3Config(parse(['--snapshot-s3-bucket', 'backups']), { AWS_REGION: 'eu-west-3' }),
      { bucket: 'backups', region: 'eu-west-3', prefix: '', forcePathStyle: false });
    assert.equal(snapshotS3Config(parse(['--snapshot-s3-bucket', 'b12', '--snapshot-s3-endpoint', 'https://s3.local', '--no-snapshot-s3-path-style']), {})!
      .forcePathStyle, false);
  });

  it('refuses what cannot work, saying why', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--snapshot-s3-endpoint', 'http://x'], /--snapshot-s3-endpoint needs --snapshot-s3-bucket/],
      [['--snapshot-s3-region', 'r', '--snapshot-s3-access-key-id', 'a'], /--snapshot-s3-region, --snapshot-s3-access-key-id need --snapshot-s3-bucket/],
      [['--snapshot-s3-bucket', 'Bad_Bucket'], /--snapshot-s3-bucket: bucket name "Bad_Bucket" may only contain/],
      [['--snapshot-s3-bucket', 'bucket', '--snapshot-s3-endpoint', 'localhost:9000'], /must be http:\/\/ or https:\/\//],
      [['--snapshot-s3-bucket', 'bucket', '--snapshot-s3-endpoint', 'not a url'], /must be a URL/],
      [['--snapshot-s3-bucket', 'bucket', '--snapshot-s3-access-key-id', 'a'], /go together/],
      [['--snapshot-s3-bucket', 'bucket', '--snapshot-s3-prefix', '../up'], /--snapshot-s3-prefix: .*dot/],
    ];
    for (const [args, message] of cases) assert.throws(() => snapshotS3Config(parse(args), {}), message, args.join(' '));
  });
});
