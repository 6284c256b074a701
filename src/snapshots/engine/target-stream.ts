/**
 * One target primary's side of the pipelined restore (pipe-mover.ts): RESTORE commands are
 * written in place into large buffers (no object per key) and handed to the socket FLUSH_BYTES at
 * a time, and the node's replies are counted, not parsed into values. Every command this stream
 * sends (AUTH, SELECT, RESTORE, PING) is answered by one line: `+…\r\n` or an error `-…\r\n`, so
 * counting line ends counts replies, and only an error line is read.
 *
 * The first error reply is kept (see {@link TargetStream.failure}); the socket failing or closing
 * is a failure too. Measured at a million keys (bench/backups.ts), a parser building a value and
 * calling a handler per reply was as much CPU as the targets' own RESTOREs.
 */
import type net from 'node:net';
import { once, type EventEmitter } from 'node:events';
import type { NodeTarget } from '../types.js';
import { authCommand, encodeCommand, openRawConnection } from './raw-connection.js';

/** Bytes of RESTOREs gathered before they are written: few large writes, the node wakes up to work. */
export const FLUSH_BYTES = 1 << 20;

const CR = 13;
const LF = 10;
const MINUS = 45;

/** A RESTORE's or SET's words up to its payload's own `$<length>\r\n`, or a SET's PX after it: at most this many bytes besides the key. */
export const RESTORE_HEADER_MAX = 96;
const TRAILER = Buffer.from('\r\n$7\r\nREPLACE\r\n', 'latin1');
const RESTORE_HEAD = Buffer.from('*5\r\n$7\r\nRESTORE\r\n$', 'latin1');
const SET_HEAD = Buffer.from('*3\r\n$3\r\nSET\r\n$', 'latin1');
const SET_PX_HEAD = Buffer.from('*5\r\n$3\r\nSET\r\n$', 'latin1');
/** After a SET's value: CRLF, then `PX` and the TTL's `$<digits>`. */
const PX = Buffer.from('\r\n$2\r\nPX\r\n$', 'latin1');
const DOLLAR = 36;

/** How many decimal digits `n` (a non-negative integer) has. */
export function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes `n` (a non-negative integer) in decimal at `at`; returns the offset after it. */
export function putInt(b: Buffer, at: number, n: number): number {
  const end = at + digits(n);
  let i = end;
  do {
    b[--i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return end;
}

const crlf = (b: Buffer, at: number): number => {
  b[at] = CR;
  b[at + 1] = LF;
  return at + 2;
};

/** `<head><bytes' length>\r\n<bytes>\r\n` at `at` (head: a command's words up to a bulk's `$`); returns the offset after it. */
export function putBulk(b: Buffer, at: number, head: Buffer, bytes: Buffer): number {
  at = crlf(b, putInt(b, at + head.copy(b, at), bytes.length));
  return crlf(b, at + bytes.copy(b, at));
}

/** Counts reply lines and keeps the first error line (its text, without `-` and CRLF). */
export class ReplyCounter {
  /** Replies seen. */
  count = 0;
  error: string | undefined;
  private errorLine: number[] | undefined;

  feed(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.errorLine) {
        if (c === LF) {
          this.error ??= Buffer.from(this.errorLine).toString('utf8');
          this.errorLine = undefined;
          this.count++;
        } else if (c !== CR && this.errorLine.length < 500) this.errorLine.push(c);
        continue;
      }
      if (c === MINUS && this.atLineStart) {
        this.errorLine = [];
        this.atLineStart = false;
        continue;
      }
      // A reply line ends at LF; scan to it at native speed.
      const lf = chunk.indexOf(LF, i);
      if (lf < 0) {
        this.atLineStart = false;
        return;
      }
      this.count++;
      this.atLineStart = true;
      i = lf;
    }
  }

  private atLineStart = true;
}

/** RESTORE commands written in place, then to a socket (any `write(Buffer)`). */
export class RestoreWriter {
  private buf: Buffer;
  private at = 0;
  /** Commands written so far (each expects one reply). */
  commands = 0;
  /** How the command begun ends: -1 RESTORE's REPLACE, 0 a SET without a TTL, else a SET's PX. */
  private ending = -1;

  /** Buffers the socket has finished with, taken again before a new one is made (fresh memory costs page faults). */
  private readonly spare: Buffer[] = [];

  /** `write(b, done)`: `done` once `b` may be written over again. */
  constructor(private readonly write: (b: Buffer, done: () => void) => void, private readonly size = FLUSH_BYTES) {
    this.buf = this.fresh();
  }

  /** Starts `RESTORE key ttl <payload of payloadLength bytes> REPLACE`; the payload follows through {@link payload}. */
  begin(key: Buffer, ttl: number, payloadLength: number): void {
    this.room(RESTORE_HEADER_MAX + key.length);
    const b = this.buf;
    let at = putBulk(b, this.at, RESTORE_HEAD, key);
    b[at++] = DOLLAR;
    at = crlf(b, putInt(b, at, digits(ttl)));
    at = crlf(b, putInt(b, at, ttl));
    b[at++] = DOLLAR;
    this.at = crlf(b, putInt(b, at, payloadLength));
    this.ending = -1;
    this.commands++;
  }

  /**
   * Starts `SET key <value of valueLength bytes>`, with `PX ttl` after the value when `ttl` > 0
   * (milliseconds); the value follows through {@link payload}, as a payload does.
   */
  beginSet(key: Buffer, ttl: number, valueLength: number): void {
    this.room(RESTORE_HEADER_MAX + key.length);
    const b = this.buf;
    let at = putBulk(b, this.at, ttl > 0 ? SET_PX_HEAD : SET_HEAD, key);
    b[at++] = DOLLAR;
    this.at = crlf(b, putInt(b, at, valueLength));
    this.ending = ttl > 0 ? ttl : 0;
    this.commands++;
  }

  /** A piece of the current payload (pieces in order, as they arrive). */
  payload(src: Buffer, start: number, end: number): void {
    while (start < end) {
      if (this.at >= this.buf.length) this.flush();
      const n = Math.min(end - start, this.buf.length - this.at);
      src.copy(this.buf, this.at, start, start + n);
      this.at += n;
      start += n;
    }
  }

  /** Ends the current RESTORE or SET; writes the buffer once it holds FLUSH_BYTES. */
  end(): void {
    if (this.ending < 0) {
      this.room(TRAILER.length);
      this.at += TRAILER.copy(this.buf, this.at);
    } else if (this.ending === 0) {
      this.room(2);
      this.at = crlf(this.buf, this.at);
    } else {
      this.room(RESTORE_HEADER_MAX);
      const b = this.buf;
      let at = this.at + PX.copy(b, this.at);
      at = crlf(b, putInt(b, at, digits(this.ending)));
      this.at = crlf(b, putInt(b, at, this.ending));
    }
    if (this.at >= this.size) this.flush();
  }

  /** Any other command (SELECT, PING), in order with the RESTOREs. */
  command(encoded: Buffer): void {
    this.flush();
    this.write(encoded, () => undefined);
    this.commands++;
  }

  /** Writes what is gathered. */
  flush(): void {
    if (this.at === 0) return;
    const full = this.buf;
    const out = full.subarray(0, this.at);
    // The socket keeps `out` until the kernel took it: the next commands go to another buffer.
    this.buf = this.fresh();
    this.at = 0;
    this.write(out, () => { if (full.length === this.size + RESTORE_HEADER_MAX && this.spare.length < 4) this.spare.push(full); });
  }

  private fresh(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafe(this.size + RESTORE_HEADER_MAX);
  }

  private room(n: number): void {
    if (this.buf.length - this.at < n) this.flush();
    if (this.buf.length < n) this.buf = Buffer.allocUnsafe(n);
  }
}

/** A target primary's connection: a {@link RestoreWriter} on its socket and a {@link ReplyCounter} on its replies. */
export class TargetStream {
  readonly writer: RestoreWriter;
  private readonly replies = new ReplyCounter();
  private closedWith: Error | undefined;
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket, readonly where: string) {
    socket.setNoDelay(true);
    this.writer = new RestoreWriter((b, done) => {
      if (this.closedWith) return;
      // Called once the kernel took the bytes (or never, when the socket failed: the buffer is then dropped).
      socket.write(b, (e) => { if (!e) done(); });
    });
    socket.on('data', (d: Buffer) => {
      this.replies.feed(d);
      this.wake();
    });
    socket.on('error', (e) => this.close(new Error(`connection to ${where} failed: ${e.message}`, { cause: e })));
    socket.on('close', () => this.close(new Error(`${where} closed the connection`)));
  }

  /** Connects (TLS and credentials as the node asks: raw-connection.ts) and authenticates. */
  static async open(node: NodeTarget, where: string, localAddress?: string): Promise<TargetStream> {
    const t = new TargetStream(openRawConnection(node, localAddress), where);
    t.writer.command(authCommand(node) ?? encodeCommand(['PING']));
    await t.settled();
    const failure = t.failure;
    if (failure) {
      t.close(failure);
      throw failure;
    }
    return t;
  }

  /** The first error reply (as the node worded it), or the connection's failure. */
  get failure(): Error | undefined {
    if (this.replies.error !== undefined) return new Error(this.replies.error);
    return this.closedWith;
  }

  /** Resolves once the socket's buffer has drained (at once when it is not full) or the stream failed. */
  async drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.closedWith) return;
    // Either way the caller reads the outcome from `failure`.
    await drainOrClose(this.socket);
  }

  /** Flushes, then resolves once every command written was answered, or the stream failed. */
  async settled(): Promise<void> {
    this.writer.flush();
    while (!this.closedWith && this.replies.error === undefined && this.replies.count < this.writer.commands) {
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
  }

  close(e: Error = new Error(`connection to ${this.where} closed`)): void {
    if (this.closedWith) return;
    this.closedWith = e;
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/**
 * Resolves on the emitter's first `drain` or `close`, whichever comes first, and takes both
 * listeners off again: left on, the loser's (and the `error` listener `events.once` adds beside
 * it) piled up on a restore's target socket, one pair a batch, until Node warned of a leak.
 */
export async function drainOrClose(e: EventEmitter): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([once(e, 'drain', { signal: ac.signal }), once(e, 'close', { signal: ac.signal })]);
  } catch {
    // An 'error' event: the stream's own handler records it.
  } finally {
    ac.abort();
  }
}
