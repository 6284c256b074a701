/**
 * How a snapshot file is framed on its way to a store and back: RDB bytes in, file bytes out
 * ({@link encodeSnapshot}), and the reverse ({@link decodeSnapshot}). Both stream, in constant
 * memory whatever the size, and honour backpressure (what is read ahead of the consumer is bounded:
 * a few 4 MiB segments and the encoded stream's 8 MiB).
 *
 * - neither compressed nor encrypted: the file is the RDB itself (what other tools read);
 * - otherwise a 40-byte header (frame-header.ts), then the body: the RDB in segments, each
 *   compressed with zstd (node:zlib, with zstd's content checksum) or stored when it does not
 *   compress (segments.ts), then, when encrypted, cut into AES-256-GCM records (sealed-records.ts).
 *   Files written before segments (one zstd stream) are still read.
 *
 * decodeSnapshot passes a plain RDB (starting with `REDIS`) through unchanged, since imports from
 * a bucket may be RDB files other tools wrote. Anything wrong with a file (tampered, truncated,
 * not a snapshot, a key the key store lacks) errors the stream with {@link CorruptSnapshotError};
 * errors of the source itself (a read failing) come through as they are.
 */
import { randomBytes } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { CorruptSnapshotError, type EncodeOptions, type KeyStore } from '../types.js';
import { ByteReader } from './byte-reader.js';
import { encodeHeader, HEADER_BYTES, MAGIC, NONCE_PREFIX_BYTES, parseHeader, RDB_MAGIC, type FrameHeader } from './frame-header.js';
import { openRecords, sealRecords } from './sealed-records.js';
import { decodeSegments, encodeSegments, zstd } from './segments.js';

/** 1 MiB records: a tag per MiB costs nothing measurable, and a record is what a reader buffers. */
export const RECORD_SIZE = 1 << 20;
/**
 * zstd's level 1, its fastest regular level. Measured on a 243 MB RDB of mixed data (JSON-like
 * strings, random blobs, hashes, sorted sets) on this 2-core machine, per CPU-second: level 1
 * compresses 200 MB/s to 0.69 of the RDB and decompresses 400 MB/s; level 3 (zstd's default)
 * 90 MB/s to 0.65; the negative level -3 275 MB/s but only to 0.77. Level 1 keeps 1 GB near 5 s
 * while keeping most of the ratio. (-1 is not usable here: node:zlib takes it as "unset", level 3.)
 */
export const ZSTD_LEVEL = 1;
/** What an encoded snapshot's stream holds ahead of its consumer. */
const OUTPUT_HIGH_WATER = 8 << 20;
/** Bigger output chunks than zlib's 16 KiB default: fewer pieces through the pipeline (files of one zstd stream). */
const ZSTD_CHUNK = 128 * 1024;

export interface DecodeOptions {
  /**
   * The file must be encrypted (the snapshot's record says so): a plain or merely compressed file
   * put in its place is refused as corrupt rather than loaded.
   */
  requireEncryption?: boolean;
}

/** The file bytes of a snapshot whose RDB `rdb` streams. */
export function encodeSnapshot(rdb: Readable, opts: EncodeOptions, keys: KeyStore): Readable {
  if (!opts.compress && !opts.key) return rdb;
  // Room for a few segments: the framing keeps reading its source (a capture, whose producer
  // stalls when it is not read) while the store writes what came before, instead of taking turns.
  return Readable.from(encodeChunks(rdb, opts, keys), { objectMode: false, highWaterMark: OUTPUT_HIGH_WATER });
}

async function* encodeChunks(rdb: Readable, opts: EncodeOptions, keys: KeyStore): AsyncGenerator<Buffer> {
  try {
    const noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
    const encryption = opts.key ? { keyId: opts.key.id, recordSize: RECORD_SIZE, noncePrefix } : undefined;
    const key = opts.key ? checkMaterial(await keys.material(opts.key.id), opts.key.id) : undefined;
    const header = encodeHeader({ compressed: opts.compress, segmented: opts.compress, ...(encryption ? { encryption } : {}) });
    yield header;
    const body: AsyncIterable<Buffer> = opts.compress ? encodeSegments(rdb, { level: ZSTD_LEVEL, checksumStored: !key }) : rdb;
    if (key) yield* sealRecords(body, { key, header, noncePrefix, recordSize: RECORD_SIZE });
    else yield* body;
  } finally {
    // Stopped early (the consumer went away, the key was missing): the source is released too.
    if (!rdb.readableEnded) rdb.destroy();
  }
}

/** The RDB bytes of a snapshot file (or of a plain RDB file), checked as they stream. */
export function decodeSnapshot(file: Readable, keys: KeyStore, opts: DecodeOptions = {}): Readable {
  return Readable.from(decodeChunks(file, keys, opts), { objectMode: false });
}

async function* decodeChunks(file: Readable, keys: KeyStore, opts: DecodeOptions): AsyncGenerator<Buffer> {
  const reader = new ByteReader(file[Symbol.asyncIterator]());
  try {
    const start = await reader.peek(HEADER_BYTES);
    if (start.length === 0) throw new CorruptSnapshotError('the snapshot file is empty');
    if (start.subarray(0, RDB_MAGIC.length).equals(RDB_MAGIC)) {
      if (opts.requireEncryption) throw new CorruptSnapshotError('expected an encrypted snapshot file, found a plain RDB file');
      yield* reader.rest();
      return;
    }
    if (!start.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new CorruptSnapshotError('not a snapshot file: it starts neither as an RDB file (REDIS) nor as a framed snapshot (CFSNAP)');
    }
    const header = await reader.read(HEADER_BYTES);
    const frame = parseHeader(header);
    if (opts.requireEncryption && !frame.encryption) throw new CorruptSnapshotError('expected an encrypted snapshot file, found one that is not encrypted');
    let body: AsyncIterable<Buffer> = frame.encryption
      ? openRecords(reader, { ...frame.encryption, header, key: await materialFor(keys, frame) })
      : reader.rest();
    if (frame.segmented) body = decodeSegments(body, { checksumStored: !frame.encryption });
    else if (frame.compressed) body = decompress(body);
    yield* body;
  } finally {
    await reader.close();
  }
}

async function materialFor(keys: KeyStore, frame: FrameHeader): Promise<Buffer> {
  const id = frame.encryption!.keyId;
  let material: Buffer;
  try {
    material = await keys.material(id);
  } catch (err) {
    throw new CorruptSnapshotError(`the snapshot file is encrypted with key ${id}, which the key store does not have ` +
      `(${(err as Error).message})`);
  }
  return checkMaterial(material, id);
}

function checkMaterial(material: Buffer, id: string): Buffer {
  if (material.length !== 32) throw new Error(`key ${id} has ${material.length} bytes of material, not 32`);
  return material;
}

async function* decompress(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = zstd().createZstdDecompress({ chunkSize: ZSTD_CHUNK });
  pipeline(Readable.from(body, { objectMode: false }), z, () => {});
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (err) {
    // zlib's own errors carry a Z_… or ZSTD_… code; anything else came from upstream, as it was.
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^(Z_|ZSTD_)/.test(code)) {
      throw new CorruptSnapshotError(`the snapshot file's compressed data is damaged or truncated (${(err as Error).message})`);
    }
    throw err;
  }
}
