import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PsyncReader, PsyncRefusedError, type PsyncChunk } from './psync-reader.js';

const replid = 'c'.repeat(40);
const mark = 'd'.repeat(40);
const rdb = Buffer.concat([Buffer.from('REDIS0010'), Buffer.alloc(5000, 7), Buffer.from('END')]);
const stream = Buffer.from('*1\r\n$4\r\nPING\r\n');

/** Feeds `bytes` cut at random places; collects what came out. */
function feed(reader: PsyncReader, bytes: Buffer, seed: number) {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % 97) + 1;
  const got: PsyncChunk[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = Math.min(rnd(), bytes.length - at);
    got.push(reader.push(bytes.subarray(at, at + n)));
    at += n;
  }
  return {
    reply: got.find((g) => g.reply)?.reply,
    rdb: Buffer.concat(got.flatMap((g) => g.rdb)),
    rdbDone: got.some((g) => g.rdbDone),
    stream: Buffer.concat(got.flatMap((g) => (g.stream ? [g.stream] : []))),
  };
}

describe('PsyncReader', () => {
  it('reads a diskless full sync (EOF mark) however the bytes are cut', () => {
    const bytes = Buffer.concat([Buffer.from(`+OK\r\n+OK\r\n+FULLRESYNC ${replid} 1234\r\n\n\n$EOF:${mark}\r\n`), rdb, Buffer.from(mark)]);
    for (let seed = 1; seed < 40; seed++) {
      const r = new PsyncReader(2);
      const got = feed(r, bytes, seed);
      assert.deepEqual(got.reply, { kind: 'full', replid, offset: 1234 });
      assert.ok(got.rdb.equals(rdb), `seed ${seed}`);
      assert.equal(got.rdbDone, true);
      assert.equal(r.streaming, true);
      assert.equal(r.bytes, rdb.length);
      assert.deepEqual(r.push(stream).stream, stream);
    }
  });

  it('reads a full sync from a file (length) with the stream right after it', () => {
    const bytes = Buffer.concat([Buffer.from(`+FULLRESYNC ${replid} 0\r\n$${rdb.length}\r\n`), rdb, stream]);
    for (let seed = 1; seed < 20; seed++) {
      const got = feed(new PsyncReader(0), bytes, seed);
      assert.ok(got.rdb.equals(rdb));
      assert.ok(got.stream.equals(stream));
    }
  });

  it('reads +CONTINUE, with or without a new replication id, and hands over the stream', () => {
    const a = feed(new PsyncReader(1), Buffer.concat([Buffer.from(`+OK\r\n+CONTINUE ${replid}\r\n`), stream]), 3);
    assert.deepEqual(a.reply, { kind: 'continue', replid });
    assert.ok(a.stream.equals(stream));
    const b = new PsyncReader(0).push(Buffer.from('+CONTINUE\r\n'));
    assert.deepEqual(b.reply, { kind: 'continue' });
  });

  it('reports refusals and garbage', () => {
    assert.throws(() => new PsyncReader(1).push(Buffer.from('-WRONGPASS invalid username-password pair\r\n')),
      (e: unknown) => e instanceof PsyncRefusedError && /WRONGPASS/.test(e.message));
    assert.throws(() => new PsyncReader(0).push(Buffer.from('-NOMASTERLINK Can\'t SYNC while not connected with my master\r\n')), /NOMASTERLINK/);
    assert.throws(() => new PsyncReader(0).push(Buffer.from('+OK\r\n')), /unexpected PSYNC reply/);
    assert.throws(() => new PsyncReader(0).push(Buffer.from(`+FULLRESYNC ${replid} 1\r\nhello\r\n`)), /expected the RDB/);
  });
});
