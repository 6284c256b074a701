/**
 * The compressed body of a snapshot file, as segments of up to {@link SEGMENT_BYTES} of the RDB,
 * each stored the cheaper way: as an independent zstd frame (with zstd's content checksum) when
 * it compresses, as it is when it does not. Incompressible data (random or already compressed
 * values, encrypted payloads) would otherwise cost zstd's full CPU for nothing: about 1.5 s a GB
 * on this machine's cores, on the cores a backup shares with the node it is taken from.
 *
 *   segment:  kind (1 byte) | length (4 bytes, big-endian) | bytes
 *     kind 1  zstd frame: `length` bytes of one frame, at most SEGMENT_BYTES when decompressed
 *     kind 0  stored: `length` bytes as they are, then (unless the file is encrypted, whose records
 *             authenticate every byte already) their CRC-32
 *     kind 255 the end, length 0: nothing may follow it, and a body without it is truncated
 *
 * Whether a segment compresses is guessed from three 16 KiB samples compressed on the spot
 * (a fraction of a millisecond); a segment whose frame turns out no smaller is stored all the same.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { CorruptSnapshotError } from '../types.js';
import { ByteReader } from './byte-reader.js';

export const SEGMENT_BYTES = 4 << 20;
const SAMPLE_BYTES = 16 << 10;
/** Stored unless the samples shrink to this share of their size or less. */
const WORTH_IT = 0.9;
const STORED = 0;
const ZSTD = 1;
const END = 255;
const HEAD_BYTES = 5;
/** Segments being compressed at once (node's thread pool), in order of output. */
const IN_FLIGHT = 2;

export interface SegmentOptions {
  /** zstd's level. */
  level: number;
  /** A CRC-32 after each stored segment (when nothing else authenticates the bytes). */
  checksumStored: boolean;
}

/** The segments of `body`, then the end mark. */
export async function* encodeSegments(body: AsyncIterable<Buffer>, opts: SegmentOptions): AsyncGenerator<Buffer> {
  const compress = promisify(zstd().zstdCompress);
  const zstdParams = { [zlib.constants.ZSTD_c_compressionLevel]: opts.level, [zlib.constants.ZSTD_c_checksumFlag]: 1 };
  const encode = async (parts: Buffer[], length: number): Promise<Buffer[]> => {
    if (worthCompressing(parts, length, zstdParams)) {
      const frame = await compress(Buffer.concat(parts, length), { params: zstdParams });
      if (frame.length < length) return [head(ZSTD, frame.length), frame];
    }
    const out = [head(STORED, length), ...parts];
    if (opts.checksumStored) out.push(crc(parts));
    return out;
  };
  const inFlight: Array<Promise<Buffer[]>> = [];
  const start = (parts: Buffer[], length: number) => {
    const p = encode(parts, length);
    p.catch(() => {}); // awaited in order below; a consumer stopping early must not leave it unhandled
    inFlight.push(p);
  };
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    let rest = chunk;
    while (length + rest.length >= SEGMENT_BYTES) {
      const take = SEGMENT_BYTES - length;
      parts.push(rest.subarray(0, take));
      start(parts, SEGMENT_BYTES);
      rest = rest.subarray(take);
      parts = [];
      length = 0;
      if (inFlight.length >= IN_FLIGHT) yield* await inFlight.shift()!;
    }
    if (rest.length) {
      parts.push(rest);
      length += rest.length;
    }
  }
  if (length > 0) start(parts, length);
  while (inFlight.length) yield* await inFlight.shift()!;
  yield head(END, 0);
}

/** The RDB bytes of the segments `body` holds, each given out once it checked. */
export async function* decodeSegments(body: AsyncIterable<Buffer>, opts: Pick<SegmentOptions, 'checksumStored'>): AsyncGenerator<Buffer> {
  const decompress = promisify(zstd().zstdDecompress);
  const reader = new ByteReader(body[Symbol.asyncIterator]());
  try {
    for (let index = 0; ; index++) {
      const h = await reader.read(HEAD_BYTES);
      if (h.length < HEAD_BYTES) throw new CorruptSnapshotError(`the snapshot file is truncated: it ends after ${index} segments, without its end mark`);
      const kind = h[0]!;
      const length = h.readUInt32BE(1);
      if (kind === END) {
        if (length !== 0 || !(await reader.atEnd())) throw new CorruptSnapshotError('the snapshot file has data after its end mark');
        return;
      }
      // A frame is always smaller than its segment: one that is not is stored instead.
      if ((kind !== STORED && kind !== ZSTD) || length === 0 || length > SEGMENT_BYTES) {
        throw new CorruptSnapshotError(`the snapshot file's segment ${index} has a damaged head`);
      }
      if (kind === STORED) {
        const parts = await reader.readPieces(length);
        const got = parts.reduce((n, p) => n + p.length, 0);
        if (got < length) throw new CorruptSnapshotError(`the snapshot file is truncated inside segment ${index}`);
        if (opts.checksumStored) {
          const sum = await reader.read(4);
          if (sum.length < 4) throw new CorruptSnapshotError(`the snapshot file is truncated inside segment ${index}`);
          if (!sum.equals(crc(parts))) throw new CorruptSnapshotError(`the snapshot file's segment ${index} is damaged (its CRC-32 does not match)`);
        }
        yield* parts;
        continue;
      }
      const frame = await reader.read(length);
      if (frame.length < length) throw new CorruptSnapshotError(`the snapshot file is truncated inside segment ${index}`);
      let plain: Buffer;
      try {
        plain = await decompress(frame, { maxOutputLength: SEGMENT_BYTES });
      } catch (err) {
        throw new CorruptSnapshotError(`the snapshot file's segment ${index} is damaged (${(err as Error).message})`);
      }
      if (plain.length === 0) throw new CorruptSnapshotError(`the snapshot file's segment ${index} is damaged (empty)`);
      yield plain;
    }
  } finally {
    await reader.close();
  }
}

function worthCompressing(parts: Buffer[], length: number, params: Record<number, number>): boolean {
  if (length <= 3 * SAMPLE_BYTES) return true;
  const samples = [0, Math.floor(length / 2), length - SAMPLE_BYTES].map((at) => slice(parts, at, SAMPLE_BYTES));
  const sizes = samples.map((s) => zstd().zstdCompressSync(s, { params }).length);
  return sizes.reduce((a, b) => a + b, 0) <= WORTH_IT * 3 * SAMPLE_BYTES;
}

/** `n` bytes of the segment from `at`, copied only when they span parts. */
function slice(parts: Buffer[], at: number, n: number): Buffer {
  let i = 0;
  while (at >= parts[i]!.length) at -= parts[i++]!.length;
  const first = parts[i]!;
  if (at + n <= first.length) return first.subarray(at, at + n);
  const out = Buffer.allocUnsafe(n);
  let filled = first.copy(out, 0, at);
  while (filled < n) filled += parts[++i]!.copy(out, filled, 0, n - filled);
  return out;
}

function head(kind: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(HEAD_BYTES);
  h[0] = kind;
  h.writeUInt32BE(length, 1);
  return h;
}

function crc(parts: Buffer[]): Buffer {
  let sum = 0;
  for (const p of parts) sum = zlib.crc32(p, sum);
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(sum >>> 0, 0);
  return out;
}

/** node:zlib's zstd (Node 22.15 and later), looked up at use so an older Node fails with a clear message, not at load. */
export function zstd(): typeof zlib {
  if (typeof zlib.zstdCompress !== 'function') {
    throw new Error(`snapshot compression needs zstd from node:zlib, which Node ${process.version} lacks (Node 22.15 or later has it)`);
  }
  return zlib;
}
