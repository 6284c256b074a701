import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { DumpReader } from './dump-reader.js';
import { RestoreWriter } from './target-stream.js';

function parse(wire: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  const parser = new RedisParser({ returnBuffers: true, returnReply: (r: Buffer[]) => out.push(r), returnError: (e: Error) => { throw e; } });
  parser.execute(wire);
  return out;
}

const bulk = (b: Buffer) => Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);

/** The loader's answers to AUTH, then PTTL + DUMP of keys a, b (expired meanwhile), c, d (gone: -2), e. */
function scenario() {
  const payloadA = Buffer.from([1, 13, 10, 36, 0, 255, 42]);
  const payloadC = Buffer.alloc(300, 0x0a);
  const payloadE = Buffer.from('\r\n');
  const wire = Buffer.concat([
    Buffer.from('+OK\r\n'),
    Buffer.from(':-1\r\n'), bulk(payloadA),
    Buffer.from(':-2\r\n$-1\r\n'),
    Buffer.from(':98765\r\n'), bulk(payloadC),
    Buffer.from(':-2\r\n'), bulk(Buffer.from('zz')),
    Buffer.from(':-1\r\n'), bulk(payloadE),
    Buffer.from('+PONG\r\n'),
  ]);
  const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => Buffer.from(k));
  return { wire, keys, payloadA, payloadC, payloadE };
}

describe('DumpReader', () => {
  it('turns PTTL/DUMP replies cut anywhere into RESTOREs for the key\'s target; skips nil and -2', () => {
    const { wire, keys, payloadA, payloadC, payloadE } = scenario();
    for (let cut = 0; cut <= wire.length; cut++) {
      const out: Buffer[][] = [[], []];
      const writers = [0, 1].map((i) => new RestoreWriter((b, done) => { out[i]!.push(Buffer.from(b)); done(); }, 64));
      const r = new DumpReader((key) => writers[key.equals(Buffer.from('c')) ? 1 : 0]!);
      r.expectLine();
      r.expectKeys(keys);
      r.expectLine();
      assert.equal(r.outstanding, 7);
      r.feed(wire.subarray(0, cut));
      r.feed(wire.subarray(cut));
      writers.forEach((w) => w.flush());
      assert.equal(r.error, undefined, `cut at ${cut}`);
      assert.equal(r.outstanding, 0, `cut at ${cut}`);
      assert.equal(r.restored, 3, `cut at ${cut}`);
      const [zero, one] = out.map((o) => parse(Buffer.concat(o)));
      assert.deepEqual(zero!.map((c) => [String(c[1]), String(c[2]), c[3]!.toString('hex'), String(c[4])]),
        [['a', '0', payloadA.toString('hex'), 'REPLACE'], ['e', '0', payloadE.toString('hex'), 'REPLACE']], `cut at ${cut}`);
      assert.deepEqual(one!.map((c) => [String(c[1]), String(c[2]), c[3]!.toString('hex')]), [['c', '98765', payloadC.toString('hex')]], `cut at ${cut}`);
    }
  });

  it('turns PTTL + MGET replies into SETs (PX for a TTL); a nil is no error but a key to ask again with DUMP, unless PTTL said gone', () => {
    const gets = Buffer.concat([
      Buffer.from(':-1\r\n:5000\r\n:1234\r\n:-2\r\n*4\r\n'),
      bulk(Buffer.from('v\r\n1')), Buffer.from('$-1\r\n'), bulk(Buffer.from('v3')), Buffer.from('$-1\r\n'),
      Buffer.from('+PONG\r\n'),
    ]);
    const dumps = Buffer.concat([Buffer.from(':4999\r\n'), bulk(Buffer.from([14, 1, 2]))]);
    for (let cut = 0; cut <= gets.length; cut++) {
      const out: Buffer[] = [];
      const w = new RestoreWriter((b, done) => { out.push(Buffer.from(b)); done(); }, 64);
      const r = new DumpReader(() => w);
      r.expectKeys(['s1', 'h', 's2', 'gone'].map((k) => Buffer.from(k)), 'mget');
      r.expectLine();
      assert.equal(r.outstanding, 10);
      r.feed(gets.subarray(0, cut));
      const retries = r.takeRetries();
      r.feed(gets.subarray(cut));
      retries.push(...r.takeRetries());
      assert.deepEqual(retries.map(String), ['h'], `cut at ${cut}`);
      r.expectKeys(retries, 'dump');
      const d = cut % dumps.length;
      r.feed(dumps.subarray(0, d));
      r.feed(dumps.subarray(d));
      w.flush();
      assert.equal(r.error, undefined, `cut at ${cut}`);
      assert.equal(r.outstanding, 0, `cut at ${cut}`);
      assert.equal(r.restored, 3, `cut at ${cut}`);
      assert.deepEqual(parse(Buffer.concat(out)).map((c) => c.map((b) => b.toString('latin1'))), [
        ['SET', 's1', 'v\r\n1'],
        ['SET', 's2', 'v3', 'PX', '1234'],
        ['RESTORE', 'h', '4999', '\x0e\x01\x02', 'REPLACE'],
      ], `cut at ${cut}`);
    }
  });

  it("a key in its last millisecond (PTTL 0) moves with 1 ms, never as a key that does not expire", () => {
    const out: Buffer[] = [];
    const w = new RestoreWriter((b, done) => { out.push(Buffer.from(b)); done(); }, 64);
    const r = new DumpReader(() => w);
    r.expectKeys([Buffer.from('s'), Buffer.from('t')], 'mget');
    r.expectKeys([Buffer.from('h')], 'dump');
    r.feed(Buffer.concat([Buffer.from(':0\r\n:-1\r\n*2\r\n'), bulk(Buffer.from('v')), bulk(Buffer.from('w')), Buffer.from(':0\r\n'), bulk(Buffer.from('p'))]));
    w.flush();
    assert.equal(r.error, undefined);
    assert.deepEqual(parse(Buffer.concat(out)).map((c) => c.map((b) => b.toString('latin1'))), [
      ['SET', 's', 'v', 'PX', '1'],
      ['SET', 't', 'w'],
      ['RESTORE', 'h', '1', 'p', 'REPLACE'],
    ]);
  });

  it('an MGET refused keeps the error and stays in step: its keys are skipped, the next reply is read as the next entry\'s', async () => {
    const w = new RestoreWriter(() => undefined);
    const r = new DumpReader(() => w);
    r.expectKeys([Buffer.from('a'), Buffer.from('b')], 'mget');
    r.expectKeys([Buffer.from('c')], 'mget');
    r.feed(Buffer.from(':-1\r\n:-1\r\n-ERR no MGET today\r\n:-1\r\n*1\r\n$1\r\nx\r\n'));
    assert.equal(r.error, 'ERR no MGET today');
    assert.equal(r.outstanding, 0);
    assert.equal(r.restored, 1);
  });

  it('keeps the first error reply and stays in step after it', async () => {
    const w = new RestoreWriter(() => undefined);
    const r = new DumpReader(() => w);
    r.expectKeys([Buffer.from('a'), Buffer.from('b')]);
    const waited = r.below(0);
    r.feed(Buffer.from(':-1\r\n-ERR no DUMP today\r\n-ERR not PTTL either\r\n$2\r\nxy\r\n'));
    await waited;
    assert.equal(r.error, 'ERR no DUMP today');
    assert.equal(r.outstanding, 0);
  });
});
