/**
 * The loader's side of the pipelined restore (pipe-mover.ts): reads the loader's replies to
 * `PTTL key` + `GET key` (or `DUMP key`) pairs as they stream in and writes each value straight
 * into a `SET key value [PX ttl]` (or each payload into a `RESTORE key ttl payload REPLACE`) for
 * the target owning the key (target-stream.ts), copying the bytes once, from the socket's chunk
 * into the target's outgoing buffer, however the chunks cut it. No value, closure or promise is
 * made per key: at a million keys that bookkeeping (a general RESP parser, a handler per reply)
 * cost the service more CPU than the copying.
 *
 * Every key is first asked with GET: a string, the common case, then moves as SET, without DUMP's
 * serialization and the CRC-64 that DUMP computes and RESTORE checks (1 KB strings: 1.4 µs a key
 * less on loader and target together, measured with redis-server 7.0). A key of another type
 * answers WRONGTYPE: it is kept in {@link DumpReader.takeRetries} and asked again with DUMP.
 *
 * Replies come in the order the commands were sent: {@link DumpReader.expectKeys} queues the keys
 * whose PTTL and GET or DUMP were sent, {@link DumpReader.expectLine} a command answered by one
 * line (AUTH, SELECT, PING). A key whose value is nil (it expired meanwhile) or whose PTTL said
 * -2 is skipped. The first error reply is kept in {@link DumpReader.error}; reading goes on, in step.
 */
import type { RestoreWriter } from './target-stream.js';

const CR = 13;
const LF = 10;

const enum State { Line, Payload, SkipPayload }

/** How a queued entry is answered: one line, or PTTL and then GET or DUMP. */
const enum Kind { Line, Get, Dump }

export class DumpReader {
  /** Entries still to be answered: a key (two replies) or null (one line), and how (Kind). */
  private readonly queue: Array<Buffer | null> = [];
  private readonly kinds: Kind[] = [];
  /** Keys GET found not to be strings, to be asked again with DUMP. */
  private retries: Buffer[] = [];
  private head = 0;
  /** For the key at the head: its PTTL reply is in (ttl below). */
  private haveTtl = false;
  private ttl = 0;
  private state = State.Line;
  /** A reply line cut by a chunk's end. */
  private carry: Buffer | undefined;
  private remaining = 0;
  private writer: RestoreWriter | undefined;
  private waiter: { max: number; resolve: () => void } | undefined;
  /** The first error reply (its text), if any. */
  error: string | undefined;
  /** Keys whose payload went to a target. */
  restored = 0;

  /** `route(key)`: the writer of the target owning the key. */
  constructor(private readonly route: (key: Buffer) => RestoreWriter) {}

  /** Keys whose `PTTL` and then `GET` (or, `how` 'dump', `DUMP`) were sent. */
  expectKeys(keys: readonly Buffer[], how: 'get' | 'dump' = 'dump'): void {
    const kind = how === 'get' ? Kind.Get : Kind.Dump;
    for (const k of keys) {
      this.queue.push(k);
      this.kinds.push(kind);
    }
  }

  expectLine(): void {
    this.queue.push(null);
    this.kinds.push(Kind.Line);
  }

  /** The keys GET answered WRONGTYPE for since the last call: to be asked again with DUMP. */
  takeRetries(): Buffer[] {
    const r = this.retries;
    this.retries = [];
    return r;
  }

  /** Entries sent and not yet answered. */
  get outstanding(): number {
    return this.queue.length - this.head;
  }

  /** Resolves once at most `max` entries are outstanding (at once if so already). */
  below(max: number): Promise<void> {
    if (this.outstanding <= max) return Promise.resolve();
    return new Promise<void>((resolve) => { this.waiter = { max, resolve }; });
  }

  /** Wakes a {@link below} waiter whatever the count (the connection failed). */
  abandon(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve();
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === State.Payload || this.state === State.SkipPayload) {
        // The payload, then its CRLF (counted in `remaining`, never copied).
        const n = Math.min(this.remaining, chunk.length - at);
        if (this.state === State.Payload) {
          const bodyLeft = this.remaining - 2;
          if (bodyLeft > 0) this.writer!.payload(chunk, at, at + Math.min(n, bodyLeft));
        }
        this.remaining -= n;
        at += n;
        if (this.remaining === 0) {
          if (this.state === State.Payload) {
            this.writer!.end();
            this.restored++;
          }
          this.writer = undefined;
          this.state = State.Line;
          this.next();
        }
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      if (lf < 0) {
        this.carry = this.carry ? Buffer.concat([this.carry, chunk.subarray(at)]) : Buffer.from(chunk.subarray(at));
        break;
      }
      let line = chunk.subarray(at, lf);
      if (this.carry) {
        line = Buffer.concat([this.carry, line]);
        this.carry = undefined;
      }
      at = lf + 1;
      this.line(line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line);
    }
    const w = this.waiter;
    if (w && this.outstanding <= w.max) {
      this.waiter = undefined;
      w.resolve();
    }
  }

  /** One reply line (without CRLF). */
  private line(line: Buffer): void {
    const key = this.queue[this.head];
    if (key === undefined) {
      this.error ??= 'the loader sent a reply nobody asked for';
      return;
    }
    const kind = line[0];
    const asked = this.kinds[this.head];
    if (kind === 0x2d /* - */) {
      if (asked === Kind.Get && this.haveTtl && isWrongType(line)) this.retries.push(key!);
      else this.error ??= line.subarray(1).toString('utf8');
      if (key === null || this.haveTtl) this.next();
      else this.haveTtl = true; // PTTL refused: the value's reply still comes
      return;
    }
    if (key === null) {
      this.next();
      return;
    }
    if (!this.haveTtl) {
      if (kind !== 0x3a /* : */) this.error ??= `the loader answered PTTL with ${printable(line)}`;
      this.ttl = integer(line);
      this.haveTtl = true;
      return;
    }
    if (kind !== 0x24 /* $ */) {
      this.error ??= `the loader answered ${asked === Kind.Get ? 'GET' : 'DUMP'} with ${printable(line)}`;
      this.next();
      return;
    }
    const length = integer(line);
    if (length < 0) {
      this.next(); // nil: gone since SCAN
      return;
    }
    this.remaining = length + 2;
    if (this.ttl === -2) {
      this.state = State.SkipPayload;
      return;
    }
    this.writer = this.route(key);
    if (asked === Kind.Get) this.writer.beginSet(key, this.ttl > 0 ? this.ttl : 0, length);
    else this.writer.begin(key, this.ttl > 0 ? this.ttl : 0, length);
    this.state = State.Payload;
  }

  private next(): void {
    this.haveTtl = false;
    this.head++;
    // Drop the answered prefix now and then, not per reply.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.kinds.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The integer after a reply line's type byte (`:123`, `$-1`). */
function integer(line: Buffer): number {
  let i = 1;
  let sign = 1;
  if (line[1] === 0x2d) {
    sign = -1;
    i = 2;
  }
  let n = 0;
  for (; i < line.length; i++) n = n * 10 + (line[i]! - 48);
  return sign * n;
}

const WRONGTYPE = Buffer.from('-WRONGTYPE', 'latin1');
const isWrongType = (line: Buffer) => line.length >= WRONGTYPE.length && line.compare(WRONGTYPE, 0, WRONGTYPE.length, 0, WRONGTYPE.length) === 0;

const printable = (line: Buffer) => JSON.stringify(line.subarray(0, 60).toString('latin1'));
