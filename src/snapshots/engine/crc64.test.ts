import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { CorruptSnapshotError } from '../types.js';
import { assertIntact, Crc64, RdbChecksumTap, type RdbChecksumVerdict } from './crc64.js';

/** An RDB-shaped file: header, body, and the CRC-64 of both, little-endian (as Redis ends one). */
function rdb(body: Buffer, version = '0011', crc?: bigint): Buffer {
  const head = Buffer.concat([Buffer.from(`REDIS${version}`), body]);
  const tail = Buffer.alloc(8);
  tail.writeBigUInt64LE(crc ?? new Crc64().update(head).value);
  return Buffer.concat([head, tail]);
}

/** Streams `file` in chunks of the given sizes (cycled) through a tap. */
async function tapped(file: Buffer, sizes: number[]): Promise<{ verdict: RdbChecksumVerdict; out: Buffer }> {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < file.length; i++) {
    const n = sizes[i % sizes.length]!;
    chunks.push(file.subarray(at, at + n));
    at += n;
  }
  const tap = new RdbChecksumTap();
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), tap, new Writable({ write: (c: Buffer, _e, cb) => { out.push(c); cb(); } }));
  return { verdict: await tap.verdict, out: Buffer.concat(out) };
}

describe('Crc64 (CRC-64/Jones, as Redis)', () => {
  it("gives Redis's check value for \"123456789\"", () => {
    assert.equal(new Crc64().update(Buffer.from('123456789')).value, 0xe9c6d914c4b8d9can);
  });

  it('is the same however the bytes are split', () => {
    const data = randomBytes(10_007);
    const whole = new Crc64().update(data).value;
    for (const step of [1, 3, 7, 8, 9, 64, 4096]) {
      const c = new Crc64();
      for (let at = 0; at < data.length; at += step) c.update(data.subarray(at, at + step));
      assert.equal(c.value, whole, `in pieces of ${step}`);
    }
  });
});

describe('RdbChecksumTap', () => {
  const body = randomBytes(50_000);

  it('passes every byte through and matches the recorded checksum, in chunks big and small', async () => {
    const file = rdb(body);
    for (const sizes of [[65536], [1], [5, 3, 2], [8], [7, 9, 1000]]) {
      const { verdict, out } = await tapped(file, sizes);
      assert.equal(verdict.state, 'match', String(sizes));
      assert.ok(out.equals(file));
    }
  });

  it('a flipped byte anywhere is a mismatch, refused as a corrupt snapshot', async () => {
    for (const at of [5, 9, 25_000, 50_008, 50_016]) {
      const file = rdb(body);
      file[at]! ^= 0x01;
      const { verdict } = await tapped(file, [4093]);
      assert.equal(verdict.state, 'mismatch', `byte ${at}`);
      assert.throws(() => assertIntact(verdict, 'source 1'), (e: unknown) => e instanceof CorruptSnapshotError &&
        /^source 1 is corrupt: its CRC-64 is 0x[0-9a-f]{16}, but the file records 0x[0-9a-f]{16}$/.test(e.message));
    }
  });

  it('no checksum to check: written with rdbchecksum no, an RDB before version 5, not an RDB', async () => {
    assert.deepEqual((await tapped(rdb(body, '0011', 0n), [1000])).verdict, { state: 'not-recorded', why: 'written with rdbchecksum no' });
    assert.equal((await tapped(rdb(body, '0004'), [1000])).verdict.state, 'not-recorded');
    assert.equal((await tapped(Buffer.from('hello, world'), [5])).verdict.state, 'not-recorded');
    assert.doesNotThrow(() => assertIntact({ state: 'not-recorded', why: 'x' }, 'source 1'));
  });

  it('a stream that fails before its end leaves no verdict', async () => {
    const tap = new RdbChecksumTap();
    const failing = Readable.from((async function* () {
      yield rdb(body).subarray(0, 100);
      throw new Error('cut short');
    })());
    await assert.rejects(pipeline(failing, tap, new Writable({ write: (_c, _e, cb) => cb() })), /cut short/);
    await assert.rejects(tap.verdict, /cut short/);
  });
});
