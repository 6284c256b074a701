/**
 * The loader's side of the pipelined restore (pipe-mover.ts): reads the loader's replies as they
 * stream in and writes each value straight into a `SET key value [PX ttl]` (each DUMP payload
 * into a `RESTORE key ttl payload REPLACE`) for the target owning the key (target-stream.ts),
 * copying the bytes once, from the socket's chunk into the target's outgoing buffer, however the
 * chunks cut it. No value, closure or promise is made per key: at a million keys that bookkeeping
 * (a general RESP parser, a handler per reply) cost the service more CPU than the copying.
 *
 * A batch of keys is first asked `PTTL` of each key, then one `MGET` of them all: a string, the
 * common case, then moves as SET, without DUMP's serialization and the CRC-64 that DUMP computes
 * and RESTORE checks again, and MGET answers for a thousand keys as one command (measured with
 * redis-server 7.0 and 1 KB strings, loader and target together: DUMP → RESTORE 5.4 µs a key,
 * GET → SET 4.0, and the loader's PTTL + MGET 1.2 µs against PTTL + GET 1.6). A key MGET answers
 * nil for is not a string (or expired meanwhile): it is kept in {@link DumpReader.takeRetries}
 * and asked again with `PTTL` and `DUMP`.
 *
 * Replies come in the order the commands were sent: {@link DumpReader.expectKeys} queues keys
 * whose commands were sent, {@link DumpReader.expectLine} a command answered by one line (AUTH,
 * SELECT, PING). A key whose DUMP is nil (it expired meanwhile) or whose PTTL said -2 is skipped.
 * The first error reply is kept in {@link DumpReader.error}; reading goes on, in step.
 */
import type { RestoreWriter } from './target-stream.js';

const CR = 13;
const LF = 10;

const enum State { Line, Payload, SkipPayload }

/**
 * What a queued entry is answered with: one line (Line); PTTL then DUMP of its key (Dump); or,
 * for a batch, PTTL of each key (Ttl), MGET's array head (Values), then each key's value (Value).
 */
const enum Kind { Line, Dump, Ttl, Values, Value }

export class DumpReader {
  /** Entries still to be answered: a key, or null (a line, an array head), and how (Kind). */
  private readonly queue: Array<Buffer | null> = [];
  private readonly kinds: Kind[] = [];
  private head = 0;
  /** PTTL replies of a batch whose values are still to come, oldest first. */
  private readonly ttls: number[] = [];
  private ttlHead = 0;
  /** Keys MGET found not to be strings, to be asked again with DUMP. */
  private retries: Buffer[] = [];
  /** For a Dump entry at the head: its PTTL reply is in (ttl below). */
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
  /** Keys whose value or payload went to a target. */
  restored = 0;

  /** `route(key)`: the writer of the target owning the key. */
  constructor(private readonly route: (key: Buffer) => RestoreWriter) {}

  /**
   * Keys whose commands were sent: `how` 'mget', `PTTL` of each key then one `MGET` of them all
   * (dumpCommands(keys, 'MGET')); 'dump', `PTTL` and `DUMP` of each key in turn.
   */
  expectKeys(keys: readonly Buffer[], how: 'mget' | 'dump' = 'dump'): void {
    if (how === 'dump') {
      for (const k of keys) this.push(k, Kind.Dump);
      return;
    }
    for (const k of keys) this.push(k, Kind.Ttl);
    this.push(null, Kind.Values);
    for (const k of keys) this.push(k, Kind.Value);
  }

  expectLine(): void {
    this.push(null, Kind.Line);
  }

  /** The keys MGET answered nil for since the last call: to be asked again with DUMP. */
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
    if (asked === Kind.Ttl) {
      if (kind !== 0x3a /* : */) this.error ??= `the loader answered PTTL with ${printable(line)}`;
      this.ttls.push(kind === 0x3a ? integer(line) : -2);
      this.next();
      return;
    }
    if (kind === 0x2d /* - */) {
      this.error ??= line.subarray(1).toString('utf8');
      if (asked === Kind.Values) {
        // No array follows: its values will not come either.
        this.next();
        while (this.kinds[this.head] === Kind.Value && this.head < this.queue.length) {
          this.ttlHead++;
          this.next();
        }
      } else if (asked === Kind.Dump && !this.haveTtl) this.haveTtl = true; // PTTL refused: DUMP's reply still comes
      else {
        if (asked === Kind.Value) this.ttlHead++;
        this.next();
      }
      return;
    }
    if (asked === Kind.Line || asked === Kind.Values) {
      this.next();
      return;
    }
    if (asked === Kind.Dump && !this.haveTtl) {
      if (kind !== 0x3a /* : */) this.error ??= `the loader answered PTTL with ${printable(line)}`;
      this.ttl = integer(line);
      this.haveTtl = true;
      return;
    }
    if (asked === Kind.Value) this.ttl = this.ttls[this.ttlHead++]!;
    if (kind !== 0x24 /* $ */) {
      this.error ??= `the loader answered ${asked === Kind.Value ? 'MGET' : 'DUMP'} with ${printable(line)}`;
      this.next();
      return;
    }
    const length = integer(line);
    if (length < 0) {
      // nil: gone since SCAN, or (MGET) not a string: asked again with DUMP, which tells.
      if (asked === Kind.Value && this.ttl !== -2) this.retries.push(key!);
      this.next();
      return;
    }
    this.remaining = length + 2;
    if (this.ttl === -2) {
      this.state = State.SkipPayload;
      return;
    }
    this.writer = this.route(key!);
    // PTTL's 0 is a key in its last millisecond: 1 ms, as 0 would make it a key that never expires.
    const ttl = this.ttl > 0 ? this.ttl : this.ttl === 0 ? 1 : 0;
    if (asked === Kind.Value) this.writer.beginSet(key!, ttl, length);
    else this.writer.begin(key!, ttl, length);
    this.state = State.Payload;
  }

  private push(key: Buffer | null, kind: Kind): void {
    this.queue.push(key);
    this.kinds.push(kind);
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
    if (this.ttlHead > 4096 && this.ttlHead * 2 > this.ttls.length) {
      this.ttls.splice(0, this.ttlHead);
      this.ttlHead = 0;
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

const printable = (line: Buffer) => JSON.stringify(line.subarray(0, 60).toString('latin1'));
