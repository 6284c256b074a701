/**
 * The header of a framed snapshot file, 40 bytes:
 *
 *   offset size
 *    0      6   magic `CFSNAP`
 *    6      1   format version (1)
 *    7      1   flags: bit 0 zstd-compressed body, bit 1 AES-256-GCM records, bit 2 the compressed
 *                body is segments (segments.ts; with bit 0 only; without it, files written before
 *                are one zstd stream); bit 0 or 1 is set (a file with neither is the RDB itself)
 *    8      1   log2 of the record size (encrypted: 10–24; else 0)
 *    9      7   reserved, zero
 *   16     16   key id, the UUID's 16 bytes (encrypted; else zero)
 *   32      8   random nonce prefix of the file's records (encrypted; else zero)
 *
 * The whole header is authenticated data of every encrypted record, so changing any byte of an
 * encrypted file's header fails the first record. Parsing refuses anything the encoder never
 * writes (unknown version or flags, non-zero reserved bytes), as corrupt.
 */
import { CorruptSnapshotError } from '../types.js';

export const MAGIC = Buffer.from('CFSNAP', 'latin1');
/** What a plain RDB file starts with (passed through by decodeSnapshot). */
export const RDB_MAGIC = Buffer.from('REDIS', 'latin1');
export const HEADER_BYTES = 40;
export const FORMAT_VERSION = 1;
export const NONCE_PREFIX_BYTES = 8;

const FLAG_COMPRESSED = 1;
const FLAG_ENCRYPTED = 2;
const FLAG_SEGMENTED = 4;
const MIN_RECORD_LOG2 = 10;
const MAX_RECORD_LOG2 = 24;

export interface FrameHeader {
  compressed: boolean;
  /** The compressed body is segments, each compressed or stored (every file written now). */
  segmented?: boolean;
  /** Present when the body is AES-256-GCM records. */
  encryption?: { keyId: string; recordSize: number; noncePrefix: Buffer };
}

export function encodeHeader(h: FrameHeader): Buffer {
  const out = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(out, 0);
  out[6] = FORMAT_VERSION;
  out[7] = (h.compressed ? FLAG_COMPRESSED : 0) | (h.encryption ? FLAG_ENCRYPTED : 0);
  if (out[7] === 0) throw new Error('a framed snapshot is compressed, encrypted or both');
  if (h.segmented) {
    if (!h.compressed) throw new Error('only a compressed body is segmented');
    out[7] |= FLAG_SEGMENTED;
  }
  if (h.encryption) {
    const { keyId, recordSize, noncePrefix } = h.encryption;
    const log2 = Math.log2(recordSize);
    if (!Number.isInteger(log2) || log2 < MIN_RECORD_LOG2 || log2 > MAX_RECORD_LOG2) {
      throw new Error(`record size ${recordSize} is not a power of two between 1 KiB and 16 MiB`);
    }
    if (noncePrefix.length !== NONCE_PREFIX_BYTES) throw new Error(`nonce prefix must be ${NONCE_PREFIX_BYTES} bytes`);
    out[8] = log2;
    uuidBytes(keyId).copy(out, 16);
    noncePrefix.copy(out, 32);
  }
  return out;
}

/** Parses a header (the first {@link HEADER_BYTES} of a file that starts with {@link MAGIC}). */
export function parseHeader(bytes: Buffer): FrameHeader {
  if (bytes.length < HEADER_BYTES) throw new CorruptSnapshotError('the snapshot file is truncated inside its header');
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new CorruptSnapshotError('not a snapshot file (unknown magic)');
  if (bytes[6] !== FORMAT_VERSION) {
    throw new CorruptSnapshotError(`snapshot file format version ${bytes[6]} is not supported (this service reads version ${FORMAT_VERSION})`);
  }
  const flags = bytes[7]!;
  const known = FLAG_COMPRESSED | FLAG_ENCRYPTED | FLAG_SEGMENTED;
  if ((flags & ~known) !== 0 || (flags & (FLAG_COMPRESSED | FLAG_ENCRYPTED)) === 0 || ((flags & FLAG_SEGMENTED) !== 0 && (flags & FLAG_COMPRESSED) === 0)) {
    throw new CorruptSnapshotError(`snapshot file header has unknown flags 0x${flags.toString(16)}`);
  }
  if (!bytes.subarray(9, 16).every((b) => b === 0)) throw new CorruptSnapshotError('snapshot file header has non-zero reserved bytes');
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  const segmented = (flags & FLAG_SEGMENTED) !== 0;
  if ((flags & FLAG_ENCRYPTED) === 0) {
    if (!bytes.subarray(8, HEADER_BYTES).every((b) => b === 0)) {
      throw new CorruptSnapshotError('snapshot file header names a key or record size but says the file is not encrypted');
    }
    return { compressed, segmented };
  }
  const log2 = bytes[8]!;
  if (log2 < MIN_RECORD_LOG2 || log2 > MAX_RECORD_LOG2) throw new CorruptSnapshotError(`snapshot file header has a bad record size (2^${log2})`);
  return {
    compressed,
    segmented,
    encryption: {
      keyId: uuidString(bytes.subarray(16, 32)),
      recordSize: 2 ** log2,
      noncePrefix: Buffer.from(bytes.subarray(32, 40)),
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new Error(`key id ${JSON.stringify(id)} is not a lowercase UUID`);
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
