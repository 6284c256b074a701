import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { TransferProtocolError, TransferReader } from './transfer-reader.js';

/** Feeds `wire` in pieces cut at `cuts`, collecting the payload; returns it and whether the reader finished. */
function feed(reader: TransferReader, wire: Buffer, cuts: number[]): { rdb: Buffer; done: boolean } {
  const parts: Buffer[] = [];
  let from = 0;
  let done = false;
  for (const to of [...cuts, wire.length]) {
    const r = reader.push(wire.subarray(from, to));
    parts.push(...r.payload);
    done ||= r.done;
    from = to;
  }
  return { rdb: Buffer.concat(parts), done };
}

const mark = 'a'.repeat(20) + 'b'.repeat(20);

describe('TransferReader', () => {
  const rdb = Buffer.concat([Buffer.from('REDIS0010'), randomBytes(300)]);

  it('reads replies, keep-alives and a mark-framed RDB cut at every byte', () => {
    const wire = Buffer.concat([Buffer.from(`+OK\r\n+OK\r\n\n\n\n$EOF:${mark}\r\n`), rdb, Buffer.from(mark)]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const reader = new TransferReader(2);
      const r = feed(reader, wire, [cut]);
      assert.ok(r.done, `cut at ${cut}`);
      assert.deepEqual(r.rdb, rdb, `cut at ${cut}`);
      assert.equal(reader.bytes, rdb.length);
      assert.equal(reader.framing, undefined);
    }
  });

  it('reads a mark-framed RDB delivered one byte at a time, and ignores what follows the mark', () => {
    const wire = Buffer.concat([Buffer.from(`\n$EOF:${mark}\r\n`), rdb, Buffer.from(mark), Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    const r = feed(new TransferReader(0), wire, Array.from({ length: wire.length - 1 }, (_, i) => i + 1));
    assert.ok(r.done);
    assert.deepEqual(r.rdb, rdb);
  });

  it('does not end on a mark-length tail that is not the mark', () => {
    const reader = new TransferReader(0);
    const head = reader.push(Buffer.from(`$EOF:${mark}\r\n`));
    assert.equal(reader.framing, 'eof-mark');
    assert.equal(head.done, false);
    const r = reader.push(Buffer.from('a'.repeat(20) + 'b'.repeat(19) + 'c'));
    assert.equal(r.done, false);
    assert.equal(reader.bytes, 0, 'the last 40 bytes are held back');
    const end = reader.push(Buffer.from(mark));
    assert.ok(end.done);
    assert.equal(Buffer.concat(end.payload).toString(), 'a'.repeat(20) + 'b'.repeat(19) + 'c');
  });

  it('reads a length-framed RDB (sent from disk) at random cuts', () => {
    const wire = Buffer.concat([Buffer.from(`+OK\r\n\n$${rdb.length}\r\n`), rdb]);
    for (let i = 0; i < 50; i++) {
      const cuts = [...new Set(Array.from({ length: 5 }, () => Math.floor(Math.random() * wire.length)))].sort((a, b) => a - b);
      const reader = new TransferReader(1);
      const r = feed(reader, wire, cuts);
      assert.ok(r.done);
      assert.deepEqual(r.rdb, rdb);
    }
  });

  it('is not done while a length-framed payload is short', () => {
    const reader = new TransferReader(0);
    const r = reader.push(Buffer.from('$10\r\n12345'));
    assert.equal(r.done, false);
    assert.equal(reader.framing, 'length');
    assert.equal(reader.bytes, 5);
  });

  it('turns an error reply into a TransferProtocolError carrying it', () => {
    assert.throws(() => new TransferReader(2).push(Buffer.from('-WRONGPASS invalid username-password pair\r\n')),
      (e: unknown) => e instanceof TransferProtocolError && e.reply === 'WRONGPASS invalid username-password pair');
    assert.throws(() => new TransferReader(0).push(Buffer.from('\n-NOMASTERLINK Can\'t SYNC while not connected with my master\r\n')),
      /NOMASTERLINK/);
  });

  it('refuses what is not the replication protocol', () => {
    assert.throws(() => new TransferReader(0).push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), TransferProtocolError);
    assert.throws(() => new TransferReader(1).push(Buffer.from(':1\r\n')), TransferProtocolError);
    assert.throws(() => new TransferReader(0).push(Buffer.from('$EOF:short\r\n')), /mark/);
    assert.throws(() => new TransferReader(0).push(Buffer.alloc(5000, 0x41)), /over-long/);
  });
});

describe('TransferReader replies', () => {
  it('counts the replies still expected (SYNC waits for none)', () => {
    const reader = new TransferReader(2);
    assert.equal(reader.repliesLeft, 2);
    reader.push(Buffer.from('+OK\r\n+O'));
    assert.equal(reader.repliesLeft, 1);
    reader.push(Buffer.from('K\r\n'));
    assert.equal(reader.repliesLeft, 0);
  });
});
