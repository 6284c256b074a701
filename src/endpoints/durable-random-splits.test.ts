// Randomised: any split of either stream gives the same bytes, in the same order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { NOREPLICAS_REPLY } from './durable-session.js';
import { b, bulk, cat, cmd, same, session, toServer } from './durable-test-fixtures.js';

/** A tiny in-memory server for the fuzz test: replies to each command it is sent. */
class FakeServer {
  private readonly data = new Map<string, Buffer>();
  private readonly out: Buffer[] = [];
  private readonly parser = new RedisParser({
    returnBuffers: true,
    returnReply: (v: Buffer[]) => this.exec(v),
    returnError: () => assert.fail('client sent an error'),
  });
  constructor(private readonly acks: number) {}
  feed(bytes: Buffer): Buffer {
    this.parser.execute(bytes);
    return Buffer.concat(this.out.splice(0));
  }
  private exec(args: Buffer[]): void {
    const name = args[0]!.toString().toLowerCase();
    if (name === 'set') { this.data.set(args[1]!.toString('latin1'), args[2]!); this.out.push(b('+OK\r\n')); }
    else if (name === 'get') { const v = this.data.get(args[1]!.toString('latin1')); this.out.push(v ? bulk(v) : b('$-1\r\n')); }
    else if (name === 'wait') this.out.push(b(`:${this.acks}\r\n`));
    else if (name === 'mget') this.out.push(cat(b(`*${args.length - 1}\r\n`), ...args.slice(1).map((k) => { const v = this.data.get(k.toString('latin1')); return v ? bulk(v) : b('$-1\r\n'); })));
    else this.out.push(b('+PONG\r\n'));
  }
}

function randomSplits(buf: Buffer, rnd: () => number, maxPart: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length;) {
    const n = 1 + Math.floor(rnd() * maxPart);
    parts.push(buf.subarray(i, i + n));
    i += n;
  }
  return parts;
}

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('DurableSession: random splits', () => {
  for (const acks of [1, 0]) {
    it(`${acks ? 'replica acknowledges' : 'no replica'}: output is the server's replies in order, writes ${acks ? 'kept' : 'as NOREPLICAS'}`, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const rnd = lcg(seed);
        const commands: Buffer[] = [];
        const expected: Buffer[] = [];
        const model = new Map<string, Buffer>();
        for (let i = 0; i < 40; i++) {
          const k = `k${Math.floor(rnd() * 5)}`;
          const r = rnd();
          if (r < 0.4) {
            const v = Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
            commands.push(cmd('SET', k, v));
            model.set(k, v);
            expected.push(acks ? b('+OK\r\n') : NOREPLICAS_REPLY);
          } else if (r < 0.8) {
            commands.push(cmd('GET', k));
            const v = model.get(k);
            expected.push(v ? bulk(v) : b('$-1\r\n'));
          } else if (r < 0.9) {
            commands.push(cmd('PING'));
            expected.push(b('+PONG\r\n'));
          } else {
            commands.push(cmd('MGET', k, 'k0'));
            expected.push(cat(b('*2\r\n'), ...[k, 'k0'].map((x) => (model.get(x) ? bulk(model.get(x)!) : b('$-1\r\n')))));
          }
        }
        const s = session();
        const server = new FakeServer(acks);
        const got: Buffer[] = [];
        // Client reads arrive in random pieces; the server answers what it got in random pieces too.
        for (const part of randomSplits(Buffer.concat(commands), rnd, 97)) {
          const o = s.fromClient(part);
          got.push(...o.toClient);
          const replies = server.feed(toServer(o));
          for (const rp of randomSplits(replies, rnd, 13)) {
            const o2 = s.fromServer(rp);
            got.push(...o2.toClient);
            assert.equal(o2.toServer.length, 0);
          }
        }
        same(Buffer.concat(got), Buffer.concat(expected), `seed ${seed}`);
        assert.equal(s.closeReason, undefined);
      }
    });
  }
});