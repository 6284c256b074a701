/**
 * AES-256-GCM in authenticated records (the STREAM construction of online authenticated
 * encryption): the body is cut into records of the header's record size (1 MiB), each sealed on
 * its own, so a file of any size is encrypted and decrypted in constant memory.
 *
 * A record on disk: `flags (1 byte: bit 0 final) | length (4 bytes, big-endian) | ciphertext | tag (16)`.
 * - nonce: the file's random 8-byte prefix (in the header) followed by the record's index (4
 *   bytes, big-endian): unique under a key as long as prefixes do not repeat (2^64 of them) and a
 *   file has at most 2^32 records (4 PiB);
 * - authenticated data: the file's header, the index and the flags, so a changed header, records
 *   swapped, repeated or taken from another file fail authentication;
 * - the last record is marked final (it may be empty: an empty body is one empty final record);
 *   a file that ends without it was truncated, and anything after it was appended.
 *
 * Nothing of a record is given out before its tag is checked: a tampered file yields
 * {@link CorruptSnapshotError} and never unauthenticated plaintext.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CorruptSnapshotError } from '../types.js';
import type { ByteReader } from './byte-reader.js';

const TAG_BYTES = 16;
const RECORD_HEAD_BYTES = 5;
const FINAL = 1;
const MAX_RECORDS = 2 ** 32;

export interface SealContext {
  key: Buffer;
  /** The file's header, bound to every record. */
  header: Buffer;
  noncePrefix: Buffer;
  recordSize: number;
}

/** The records of `body`, sealed. */
export async function* sealRecords(body: AsyncIterable<Buffer>, ctx: SealContext): AsyncGenerator<Buffer> {
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of body) {
    let rest: Buffer = chunk;
    while (pendingBytes + rest.length >= ctx.recordSize) {
      const take = ctx.recordSize - pendingBytes;
      pending.push(rest.subarray(0, take));
      yield* seal(ctx, index++, false, pending, ctx.recordSize);
      rest = rest.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (rest.length) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  yield* seal(ctx, index, true, pending, pendingBytes);
}

/**
 * One record, as the pieces that make it up (its head, the ciphertext of each part, the tag): not
 * copied into one buffer, which cost as much CPU as the encryption itself (0.25 s a GB each).
 */
function seal(ctx: SealContext, index: number, final: boolean, parts: Buffer[], length: number): Buffer[] {
  if (index >= MAX_RECORDS) throw new Error('snapshot too large for one file (2^32 records)');
  const flags = final ? FINAL : 0;
  const cipher = createCipheriv('aes-256-gcm', ctx.key, nonce(ctx.noncePrefix, index), { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(ctx.header, index, flags));
  const head = Buffer.allocUnsafe(RECORD_HEAD_BYTES);
  head[0] = flags;
  head.writeUInt32BE(length, 1);
  const out = [head];
  for (const p of parts) {
    const c = cipher.update(p);
    if (c.length) out.push(c);
  }
  const last = cipher.final();
  if (last.length) out.push(last);
  out.push(cipher.getAuthTag());
  return out;
}

/** The plaintext of the sealed records `reader` holds, each given out only once authenticated. */
export async function* openRecords(reader: ByteReader, ctx: SealContext): AsyncGenerator<Buffer> {
  for (let index = 0; ; index++) {
    if (index >= MAX_RECORDS) throw new CorruptSnapshotError('snapshot file has more records than the format allows');
    const head = await reader.read(RECORD_HEAD_BYTES);
    if (head.length < RECORD_HEAD_BYTES) {
      throw new CorruptSnapshotError(`snapshot file is truncated: it ends after ${index} records, without its final record`);
    }
    const flags = head[0]!;
    const length = head.readUInt32BE(1);
    if ((flags & ~FINAL) !== 0 || length > ctx.recordSize) {
      throw new CorruptSnapshotError(`snapshot file record ${index} has a damaged record header`);
    }
    // The ciphertext as it came (a file's 64 KiB reads): deciphered piece by piece, not copied first.
    const sealed = await reader.readPieces(length);
    const tag = await reader.read(TAG_BYTES);
    if (tag.length < TAG_BYTES) throw new CorruptSnapshotError(`snapshot file is truncated inside record ${index}`);
    const decipher = createDecipheriv('aes-256-gcm', ctx.key, nonce(ctx.noncePrefix, index), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(ctx.header, index, flags));
    decipher.setAuthTag(tag);
    const plain: Buffer[] = [];
    for (const piece of sealed) {
      const p = decipher.update(piece);
      if (p.length) plain.push(p);
    }
    try {
      decipher.final();
    } catch {
      throw new CorruptSnapshotError(`snapshot file record ${index} failed authentication: ` +
        'the file was changed, its records reordered, or it was encrypted with a different key');
    }
    yield* plain;
    if (flags & FINAL) {
      if (!(await reader.atEnd())) throw new CorruptSnapshotError('snapshot file has data after its final record');
      return;
    }
  }
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.allocUnsafe(prefix.length + 4);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, prefix.length);
  return n;
}

function aad(header: Buffer, index: number, flags: number): Buffer {
  const a = Buffer.allocUnsafe(header.length + 5);
  header.copy(a, 0);
  a.writeUInt32BE(index, header.length);
  a[header.length + 4] = flags;
  return a;
}
