/**
 * An {@link ObjectStore} in a bucket of an S3-compatible service (AWS S3, MinIO, Ceph RGW…),
 * written with the official `@aws-sdk/client-s3`. Bodies stream up with `@aws-sdk/lib-storage`'s
 * `Upload`: a multipart upload in 8 MiB parts (two in flight) for anything bigger than one part,
 * one PutObject otherwise, so memory stays bounded whatever the snapshot's size. A failed upload
 * leaves no object: a single PutObject is only sent once its whole body was read, and a failed
 * multipart upload is aborted (its parts are never assembled into an object).
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, paginateListObjectsV2, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from '../types.js';
import { checkBucketName, checkObjectKey, InvalidObjectKeyError, listPrefixProblem, objectKeyProblem } from './names.js';
import type { S3Settings } from '../../util/s3-settings.js';

export type { S3Settings };

/** Upload tuning: bytes per part (S3's minimum is 5 MiB) and parts in flight. */
export interface UploadTuning {
  partSize: number;
  queueSize: number;
}

export const DEFAULT_UPLOAD: UploadTuning = { partSize: 8 * 1024 * 1024, queueSize: 2 };

/** An S3 client for `settings`. */
export function s3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    // Checksums only where S3 requires them: the SDK's default (a CRC32 trailer on every upload)
    // is refused by several S3-compatible services, and every framed snapshot carries its own
    // integrity check (zstd's checksum, GCM's tags; an RDB its CRC64).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A bucket's objects under `prefix` (empty, or ending with `/`: `cachefleet/` holds `cachefleet/<key>`). */
export class S3ObjectStore implements ObjectStore {
  readonly where: string;
  private readonly prefix: string;

  constructor(private readonly client: S3Client, readonly bucket: string, prefix = '', private readonly tuning = DEFAULT_UPLOAD) {
    checkBucketName(bucket);
    this.prefix = normalizePrefix(prefix);
    this.where = `s3://${bucket}/${this.prefix}`;
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const Key = this.keyOf(key);
    let bytes = 0;
    let bodyError: unknown;
    const counted = Readable.from((async function* () {
      try {
        for await (const chunk of body) {
          bytes += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      } catch (err) {
        bodyError = err;
        throw err;
      }
    })(), { objectMode: false });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: counted },
      partSize: this.tuning.partSize,
      queueSize: this.tuning.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      body.destroy();
      counted.destroy();
      // The body's own failure is the cause (Upload may report the abort's outcome instead).
      throw bodyError ?? this.explain(err, key);
    }
    return { key, bytes };
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      if (!(out.Body instanceof Readable)) throw new Error(`GetObject of ${key} returned no stream`);
      return out.Body;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key, this.where);
      throw this.explain(err, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return { key, bytes: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.explain(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.explain(err, key);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const problem = listPrefixProblem(prefix);
    if (problem) throw new InvalidObjectKeyError(problem);
    const out: ObjectInfo[] = [];
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix + prefix })) {
        for (const o of page.Contents ?? []) {
          const key = o.Key?.slice(this.prefix.length);
          // Objects other tools wrote under names this store cannot address are left out.
          if (key !== undefined && objectKeyProblem(key) === undefined) out.push({ key, bytes: o.Size ?? 0 });
        }
      }
    } catch (err) {
      throw this.explain(err, prefix);
    }
    return out;
  }

  /** Throws a readable error unless the bucket exists and the credentials reach it (for a check at start). */
  async probe(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw this.explain(err, '');
    }
  }

  private keyOf(key: string): string {
    return this.prefix + checkObjectKey(key);
  }

  /** The SDK's error with where it happened; a missing bucket or a refused credential said plainly. */
  private explain(err: unknown, key: string): Error {
    if (!(err instanceof Error)) return new Error(String(err));
    const status = (err as S3ServiceException).$metadata?.httpStatusCode;
    const what = key ? `${this.where}${key}` : this.where;
    if (err.name === 'NoSuchBucket' || (status === 404 && !key)) {
      return new Error(`bucket ${this.bucket} does not exist on the S3 service`, { cause: err });
    }
    if (status === 403 || err.name === 'AccessDenied' || err.name === 'InvalidAccessKeyId' || err.name === 'SignatureDoesNotMatch') {
      return new Error(`the S3 service refused access to ${what} (${err.name}): check the credentials`, { cause: err });
    }
    if (err instanceof S3ServiceException) return new Error(`S3 error on ${what}: ${err.name}: ${err.message}`, { cause: err });
    return err;
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as S3ServiceException;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}

/** `backups` → `backups/`; empty stays empty. */
export function normalizePrefix(prefix: string): string {
  if (prefix === '') return '';
  const problem = listPrefixProblem(prefix);
  if (problem) throw new InvalidObjectKeyError(`S3 prefix: ${problem}`);
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
