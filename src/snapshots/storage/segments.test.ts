import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { zstdCompressSync } from 'node:zlib';
import { CorruptSnapshotError } from '../types.js';
import { encodeHeader, HEADER_BYTES } from './frame-header.js';
import { decodeSnapshot } from './framing.js';
import { decodeSegments, encodeSegments, SEGMENT_BYTES } from './segments.js';
import type { KeyStore } from '../types.js';

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

async function* chunked(b: Buffer, size = 65_536): AsyncGenerator<Buffer> {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

const encode = (data: Buffer, checksumStored = true) => collect(encodeSegments(chunked(data), { level: 1, checksumStored }));
const decode = (file: Buffer, checksumStored = true) => collect(decodeSegments(chunked(file, 50_000), { checksumStored }));

async function decodeError(file: Buffer, checksumStored = true): Promise<unknown> {
  try {
    await decode(file, checksumStored);
  } catch (err) {
    return err;
  }
  return undefined;
}

/** Text that compresses about 10:1. */
function text(bytes: number): Buffer {
  const s = Array.from({ length: Math.ceil(bytes / 12) + 1 }, (_, i) => `user:${i % 5000}\u0000{"n":${i % 97}};`).join('');
  return Buffer.from(s).subarray(0, bytes);
}

/** The segments' kinds, read from their heads (kind, length, and a CRC after stored ones). */
function kinds(file: Buffer, checksumStored = true): string[] {
  const out: string[] = [];
  for (let at = 0; at < file.length;) {
    const kind = file[at]!;
    const length = file.readUInt32BE(at + 1);
    out.push(kind === 0 ? 'stored' : kind === 1 ? 'zstd' : kind === 255 ? 'end' : `?${kind}`);
    at += 5 + length + (kind === 0 && checksumStored ? 4 : 0);
  }
  return out;
}

describe('snapshot body segments', () => {
  it('compresses what compresses and stores what does not, segment by segment, and round-trips', async () => {
    const data = Buffer.concat([text(SEGMENT_BYTES), randomBytes(SEGMENT_BYTES), text(SEGMENT_BYTES / 2 + 7)]);
    const file = await encode(data);
    assert.deepEqual(kinds(file), ['zstd', 'stored', 'zstd', 'end']);
    assert.ok(file.length < SEGMENT_BYTES * 1.3, `${file.length} bytes: the text shrank, the random bytes were kept as they are`);
    assert.ok((await decode(file)).equals(data));
  });

  it('stores random data at its size plus a few bytes a segment', async () => {
    const data = randomBytes(2 * SEGMENT_BYTES + 1000);
    const file = await encode(data);
    assert.deepEqual(kinds(file), ['stored', 'stored', 'stored', 'end']);
    assert.equal(file.length, data.length + 3 * (5 + 4) + 5);
    assert.ok((await decode(file)).equals(data));
    const unsummed = await encode(data, false);
    assert.equal(unsummed.length, data.length + 3 * 5 + 5, 'no CRC where the records authenticate every byte');
    assert.ok((await decode(unsummed, false)).equals(data));
  });

  it('writes an empty body as the end mark alone', async () => {
    const file = await encode(Buffer.alloc(0));
    assert.deepEqual(kinds(file), ['end']);
    assert.equal((await decode(file)).length, 0);
  });

  it('refuses a changed byte, a truncation, a damaged head and data after the end', async () => {
    const data = Buffer.concat([randomBytes(SEGMENT_BYTES), text(SEGMENT_BYTES)]);
    const file = await encode(data);
    assert.deepEqual(kinds(file), ['stored', 'zstd', 'end']);
    const storedAt = 5;
    const zstdAt = 5 + SEGMENT_BYTES + 4;
    const flip = (at: number) => {
      const f = Buffer.from(file);
      f[at]! ^= 0x20;
      return f;
    };
    const cases: Array<[string, Buffer, RegExp]> = [
      ['a stored byte changed', flip(storedAt + 5 + 1000), /segment 0 is damaged \(its CRC-32 does not match\)/],
      ['a compressed byte changed', flip(zstdAt + 5 + 2000), /segment 1 is damaged/],
      ['a kind changed', flip(zstdAt), /segment 1 has a damaged head/],
      ['cut at a segment boundary (no end mark)', file.subarray(0, file.length - 5), /ends after 2 segments, without its end mark/],
      ['cut inside a stored segment', file.subarray(0, 5000), /truncated inside segment 0/],
      ['cut inside a frame', file.subarray(0, zstdAt + 100), /truncated inside segment 1/],
      ['data after the end mark', Buffer.concat([file, Buffer.from('x')]), /data after its end mark/],
    ];
    for (const [what, f, message] of cases) {
      const err = await decodeError(f);
      assert.ok(err instanceof CorruptSnapshotError, `${what}: ${String(err)}`);
      assert.match((err as Error).message, message, what);
    }
  });

  it('still reads a file written before segments (one zstd stream)', async () => {
    const rdb = Buffer.concat([Buffer.from('REDIS0011'), text(300_000)]);
    const legacy = Buffer.concat([encodeHeader({ compressed: true }), zstdCompressSync(rdb)]);
    const noKeys = {} as KeyStore;
    assert.ok(legacy.length > HEADER_BYTES);
    assert.ok((await collect(decodeSnapshot(Readable.from(chunked(legacy)), noKeys))).equals(rdb));
  });
});
