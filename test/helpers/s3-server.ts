/**
 * A real S3-compatible server for tests: s3rver (npm, a devDependency) run as a child process on
 * a free port of 127.0.0.1, its objects in a temporary directory, with the buckets a test asks
 * for created at start. Stopped (by pid) and removed by the test's cleanup, even on failure.
 *
 * s3rver speaks S3's REST API (SigV4, path-style, multipart uploads) well enough for
 * @aws-sdk/client-s3 and lib-storage's Upload. It does not implement AbortMultipartUpload nor
 * ListMultipartUploads: the parts of an aborted upload stay in its `uploads` area, never an object.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { s3Client, type S3Settings } from '../../src/snapshots/storage/index.js';
import { waitFor } from '../../src/util/wait.js';
import { killVerified, pidGone, type Cleanup } from './cleanup.js';
import { freePort } from './net.js';

/** s3rver's fixed credentials (it checks signatures made with them). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3Server {
  endpoint: string;
  pid: number;
  /** Where s3rver keeps objects: `<dataDir>/<bucket>/…`. */
  dataDir: string;
  /** Settings for the S3 store of `bucket` on this server. */
  settings(bucket: string, prefix?: string): S3Settings;
  stop(): Promise<void>;
}

const S3RVER_BIN = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');

/** Starts s3rver with `buckets` made; cleanup stops it and removes its files. */
export async function startS3Server(cleanup: Cleanup, buckets: string[]): Promise<TestS3Server> {
  const root = await cleanup.tmpDir('cachefleet-s3-');
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const port = await freePort('127.0.0.1');
  const logFile = join(root, 's3rver.log');
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [
    S3RVER_BIN, '--directory', dataDir, '--address', '127.0.0.1', '--port', String(port), '--silent',
    ...buckets.flatMap((b) => ['--configure-bucket', b]),
  ], { stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('s3rver did not start');
  child.unref();
  cleanup.trackPid(pid, root);
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = (bucket: string, prefix = ''): S3Settings => ({
    endpoint, region: 'us-east-1', bucket, prefix, forcePathStyle: true, ...S3RVER_CREDENTIALS,
  });
  const client = s3Client(settings(buckets[0] ?? 'probe'));
  try {
    await waitFor(async () => {
      if (await pidGone(pid)) throw new Error(`s3rver exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      for (const b of buckets) await client.send(new HeadBucketCommand({ Bucket: b }));
      return true;
    }, { timeoutMs: 20_000, what: `s3rver on ${endpoint} with buckets ${buckets.join(', ')}` });
  } finally {
    client.destroy();
  }
  return { endpoint, pid, dataDir, settings, stop: () => killVerified(pid, root) };
}
