import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { waitFor } from '../../util/wait.js';
import { FileKeyStore } from '../keys/file-key-store.js';
import { CorruptSnapshotError, type EncodeOptions, type KeyRef } from '../types.js';
import { decodeSnapshot, encodeSnapshot, RECORD_SIZE } from './framing.js';
import { HEADER_BYTES } from './frame-header.js';
import { SEGMENT_BYTES } from './segments.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-framing-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keys = new FileKeyStore(join(dir, 'keys'), { region: 'us-east-1', accountId: '123456789012' });

/** All of a stream's bytes, or what came before its error and the error. */
async function drain(r: Readable): Promise<{ data: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of r) parts.push(c as Buffer);
    return { data: Buffer.concat(parts) };
  } catch (error) {
    return { data: Buffer.concat(parts), error };
  }
}

/** `data` as a stream of `piece`-byte chunks. */
function chunked(data: Buffer, piece = 65_536): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += piece) parts.push(data.subarray(at, at + piece));
  return Readable.from(parts, { objectMode: false });
}

async function encode(data: Buffer, opts: EncodeOptions): Promise<Buffer> {
  const { data: out, error } = await drain(encodeSnapshot(chunked(data), opts, keys));
  assert.equal(error, undefined);
  return out;
}

async function decodeError(file: Buffer): Promise<{ data: Buffer; error: unknown }> {
  const out = await drain(decodeSnapshot(chunked(file, 4096), keys));
  return { data: out.data, error: out.error };
}

/** An RDB-like buffer: a REDIS header, then text that compresses. */
function rdbLike(bytes: number): Buffer {
  const text = Buffer.from(Array.from({ length: Math.ceil(bytes / 20) + 1 }, (_, i) => `key:${i}\u0000value-${i % 977};`).join(''));
  return Buffer.concat([Buffer.from('REDIS0011'), text]).subarray(0, bytes);
}

describe('snapshot framing', async () => {
  const key = await keys.defaultKey();
  const modes: Array<[string, EncodeOptions]> = [
    ['plain', { compress: false }],
    ['compressed', { compress: true }],
    ['encrypted', { compress: false, key }],
    ['compressed and encrypted', { compress: true, key }],
  ];

  for (const [name, opts] of modes) {
    it(`round-trips ${name} files of every size around a record`, async () => {
      for (const size of [0, 1, 9, RECORD_SIZE - 1, RECORD_SIZE, RECORD_SIZE + 1, 3 * RECORD_SIZE + 12_345]) {
        if (name === 'plain' && size < 9) continue; // a plain file is an RDB, which is never this short
        const data = size < 9 ? randomBytes(size) : rdbLike(size);
        const file = await encode(data, opts);
        if (name === 'plain') assert.ok(file.equals(data), 'a plain file is the RDB itself');
        else assert.equal(file.subarray(0, 6).toString(), 'CFSNAP');
        if (name === 'compressed' && size > 100_000) assert.ok(file.length < data.length / 2, `compressed ${size} → ${file.length}`);
        const back = await drain(decodeSnapshot(chunked(file, 7919), keys));
        assert.equal(back.error, undefined, `${name} ${size}`);
        assert.ok(back.data.equals(data), `${name} ${size} bytes come back`);
      }
    });
  }

  it('encrypts: the plaintext appears nowhere in the file', async () => {
    const data = rdbLike(100_000);
    const file = await encode(data, { compress: false, key });
    assert.equal(file.indexOf(data.subarray(10, 40)), -1);
    const again = await encode(data, { compress: false, key });
    assert.notDeepEqual(file.subarray(HEADER_BYTES), again.subarray(HEADER_BYTES), 'a fresh nonce prefix per file');
  });

  it('streams large data end to end in bounded memory, with backpressure', async () => {
    const total = 96 * RECORD_SIZE + 777;
    let produced = 0;
    let consumed = 0;
    let maxLead = 0;
    const inHash = createHash('sha256');
    const outHash = createHash('sha256');
    const source = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        const chunk = randomBytes(Math.min(65_536, total - produced));
        produced += chunk.length;
        inHash.update(chunk);
        this.push(chunk);
      },
    });
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        consumed += chunk.length;
        outHash.update(chunk);
        maxLead = Math.max(maxLead, produced - consumed);
        setImmediate(done); // a consumer slower than the producer
      },
    });
    await pipeline(decodeSnapshot(encodeSnapshot(source, { compress: true, key }, keys), keys), sink);
    assert.equal(consumed, total);
    assert.equal(outHash.digest('hex'), inHash.digest('hex'));
    // What is held: the segments being compressed and the one filling, the encoded stream's 8 MiB,
    // a record, the segment and record being decoded; without backpressure the source would run
    // the whole 96 MiB ahead.
    assert.ok(maxLead < 6 * SEGMENT_BYTES + 4 * RECORD_SIZE, `the source ran ${maxLead} bytes ahead of the consumer`);
  });

  it('passes a plain RDB through, and refuses one where an encrypted file is required', async () => {
    const rdb = rdbLike(5000);
    assert.ok((await drain(decodeSnapshot(chunked(rdb, 3), keys))).data.equals(rdb));
    const refused = await drain(decodeSnapshot(chunked(rdb), keys, { requireEncryption: true }));
    assert.ok(refused.error instanceof CorruptSnapshotError);
    const compressedOnly = await encode(rdb, { compress: true });
    const refused2 = await drain(decodeSnapshot(chunked(compressedOnly), keys, { requireEncryption: true }));
    assert.ok(refused2.error instanceof CorruptSnapshotError);
  });

  it('refuses what is not a snapshot', async () => {
    for (const file of [Buffer.alloc(0), Buffer.from('RED'), Buffer.from('hello world, not a snapshot'), Buffer.from('CFSNAP\x01')]) {
      const { error } = await decodeError(file);
      assert.ok(error instanceof CorruptSnapshotError, `${JSON.stringify(file.toString())}: ${error}`);
    }
  });

  it('releases its source when the consumer stops early or the key is missing', async () => {
    const file = await encode(rdbLike(4 * RECORD_SIZE), { compress: true, key });
    const source = chunked(file);
    const decoded = decodeSnapshot(source, keys);
    for await (const _ of decoded) break; // the consumer goes away after one chunk
    await waitFor(() => source.destroyed, { timeoutMs: 2000, what: 'the decoded file stream to be released' });

    const rdb = chunked(rdbLike(RECORD_SIZE));
    const { error } = await drain(encodeSnapshot(rdb, { compress: true, key: { id: '00000000-0000-4000-8000-000000000000', arn: 'x' } }, keys));
    assert.match(String(error), /no key 00000000-0000-4000-8000-000000000000/);
    assert.equal(rdb.destroyed, true, 'the RDB stream is released');
  });

  it('lets errors of the source through as they are', async () => {
    const file = await encode(rdbLike(3 * RECORD_SIZE), { compress: true, key });
    const failing = new Readable({ read() {} });
    failing.push(file.subarray(0, RECORD_SIZE));
    setImmediate(() => failing.destroy(new Error('disk on fire')));
    const { error } = await drain(decodeSnapshot(failing, keys));
    assert.equal((error as Error).message, 'disk on fire');
    const { error: encodeErr } = await drain(encodeSnapshot(Readable.from((async function* () {
      yield Buffer.from('REDIS0011');
      throw new Error('node went away');
    })()), { compress: true, key }, keys));
    assert.equal((encodeErr as Error).message, 'node went away');
  });
});

describe('snapshot framing: tampering', async () => {
  const key = await keys.defaultKey();
  const other = await keys.createKey({ alias: 'alias/other' });
  // Three records: two full ones and a short final one.
  const data = randomBytes(2 * RECORD_SIZE + 1000);
  const recordBytes = 5 + RECORD_SIZE + 16;
  const file = await encode(data, { compress: false, key });
  assert.equal(file.length, HEADER_BYTES + 2 * recordBytes + 5 + 1000 + 16);
  const record = (i: number) => HEADER_BYTES + i * recordBytes;

  const flip = (at: number, bits = 0x01) => {
    const f = Buffer.from(file);
    f[at]! ^= bits;
    return f;
  };

  async function assertCorrupt(f: Buffer, what: string, authenticPrefix = 0): Promise<void> {
    const { data: out, error } = await decodeError(f);
    assert.ok(error instanceof CorruptSnapshotError, `${what}: ${String(error)}`);
    // Only authenticated records come out: whole records of the original, nothing of the damaged one.
    assert.ok(out.length <= authenticPrefix, `${what}: ${out.length} bytes came out`);
    assert.ok(out.equals(data.subarray(0, out.length)), `${what}: what came out is the original's beginning`);
  }

  it('refuses a file with any header byte changed', async () => {
    for (let at = 0; at < HEADER_BYTES; at++) {
      for (const bits of [0x01, 0x80]) await assertCorrupt(flip(at, bits), `header byte ${at} ^ ${bits}`);
    }
  });

  it('refuses a changed byte in a record\'s head, body or tag', async () => {
    await assertCorrupt(flip(record(0)), 'flags of record 0');
    await assertCorrupt(flip(record(0) + 3), 'length of record 0');
    await assertCorrupt(flip(record(0) + 5 + 1234), 'body of record 0');
    await assertCorrupt(flip(record(1) + 5 + RECORD_SIZE + 3), 'tag of record 1', RECORD_SIZE);
    await assertCorrupt(flip(record(2) + 5 + 999), 'last byte of the final record', 2 * RECORD_SIZE);
    await assertCorrupt(flip(file.length - 1), 'last byte of the file', 2 * RECORD_SIZE);
  });

  it('refuses a truncated file, wherever it was cut', async () => {
    await assertCorrupt(file.subarray(0, 20), 'inside the header');
    await assertCorrupt(file.subarray(0, HEADER_BYTES), 'after the header');
    await assertCorrupt(file.subarray(0, record(1)), 'at a record boundary', RECORD_SIZE);
    await assertCorrupt(file.subarray(0, record(1) + 1000), 'inside a record', RECORD_SIZE);
    await assertCorrupt(file.subarray(0, record(2)), 'without its final record', 2 * RECORD_SIZE);
    await assertCorrupt(file.subarray(0, file.length - 1), 'one byte short', 2 * RECORD_SIZE);
  });

  it('refuses swapped, repeated and appended records', async () => {
    const swapped = Buffer.concat([file.subarray(0, record(0)), file.subarray(record(1), record(2)), file.subarray(record(0), record(1)), file.subarray(record(2))]);
    await assertCorrupt(swapped, 'records 0 and 1 swapped');
    const repeated = Buffer.concat([file.subarray(0, record(2)), file.subarray(record(1), record(2)), file.subarray(record(2))]);
    await assertCorrupt(repeated, 'record 1 repeated', 2 * RECORD_SIZE);
    await assertCorrupt(Buffer.concat([file, Buffer.from('extra')]), 'data appended', data.length);
    const fromAnother = await encode(data, { compress: false, key });
    const spliced = Buffer.concat([file.subarray(0, record(1)), fromAnother.subarray(record(1))]);
    await assertCorrupt(spliced, 'records of another file of the same key', RECORD_SIZE);
  });

  it('refuses a file under another key, and one whose key the store lacks', async () => {
    const other16 = Buffer.from(other.id.replace(/-/g, ''), 'hex');
    const rekeyed = Buffer.from(file);
    other16.copy(rekeyed, 16);
    await assertCorrupt(rekeyed, 'key id changed to another key of the store');
    const stranger = new FileKeyStore(join(dir, 'other-keys'), { region: 'us-east-1', accountId: '123456789012' });
    const { error } = await drain(decodeSnapshot(chunked(file), stranger));
    assert.ok(error instanceof CorruptSnapshotError);
    assert.match((error as Error).message, new RegExp(`encrypted with key ${key.id}, which the key store does not have`));
  });

  it('refuses a changed or truncated compressed file (zstd checksum)', async () => {
    const rdb = rdbLike(300_000);
    const compressed = await encode(rdb, { compress: true });
    const mid = Buffer.from(compressed);
    mid[HEADER_BYTES + 5000]! ^= 0x10;
    for (const [what, f] of [['a changed byte', mid], ['truncated', compressed.subarray(0, compressed.length - 10)]] as const) {
      const { error } = await decodeError(f);
      assert.ok(error instanceof CorruptSnapshotError, `${what}: ${String(error)}`);
    }
    const both = await encode(rdb, { compress: true, key: key as KeyRef });
    await assertCorruptBoth(both);
  });

  async function assertCorruptBoth(both: Buffer): Promise<void> {
    const f = Buffer.from(both);
    f[HEADER_BYTES + 100]! ^= 0x04;
    const { data: out, error } = await decodeError(f);
    assert.ok(error instanceof CorruptSnapshotError);
    assert.equal(out.length, 0, 'nothing of a damaged compressed and encrypted file comes out');
  }
});
