/**
 * Frames the command stream a primary sends its replicas (after the RDB of a full sync, or right
 * after +CONTINUE) into commands, each with its exact bytes and the replication offset after it.
 * The archive stores those bytes unchanged, and the offsets are what PSYNC resumes from and what
 * a base's offset is matched against.
 *
 * Parsing is redis-parser's (as the durable endpoints parse client streams); the stream
 * positions of the values it returns are taken from its own read position, the same way
 * src/endpoints/durable-resp.ts does it. The stream holds only multibulk commands: anything else
 * (an error reply, a bare value) is a protocol error.
 */
import RedisParser from 'redis-parser';

/** redis-parser's position in the bytes it was given (not in its typings; stable since v3). */
interface ParserState {
  buffer: Buffer | null;
  offset: number;
}

export class ReplicationProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicationProtocolError';
  }
}

export type CommandSink = (raw: Buffer, name: string, endOffset: number) => void;

export class CommandFramer {
  private readonly parser: RedisParser;
  /** Bytes given to the parser and not yet part of a complete command. */
  private window: Buffer[] = [];
  /** Stream offset of window[0][0]. */
  private windowStart: number;
  /** Stream offset after the last byte given to the parser. */
  private fed: number;
  /** Stream offset after the last complete command. */
  private end: number;
  private failure: Error | undefined;

  /** `offset`: the replication offset the stream starts after (FULLRESYNC's, or the one PSYNC resumed at). */
  constructor(offset: number, private readonly sink: CommandSink) {
    this.windowStart = this.fed = this.end = offset;
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onValue(v),
      returnError: (e: Error) => this.fail(`the node sent an error in its replication stream: ${e.message}`),
      returnFatalError: (e: Error) => this.fail(`the replication stream is not RESP: ${e.message}`),
    });
  }

  /** Offset after the last complete command. */
  get offset(): number {
    return this.end;
  }

  /** Feeds the next bytes; throws {@link ReplicationProtocolError} on anything but commands. */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    this.window.push(chunk);
    this.fed += chunk.length;
    this.parser.execute(chunk);
    if (this.failure) throw this.failure;
    this.trim();
  }

  private onValue(v: unknown): void {
    if (this.failure) return;
    if (!Array.isArray(v) || v.length === 0 || !v.every((a) => Buffer.isBuffer(a))) {
      this.fail('the replication stream holds something other than a command');
      return;
    }
    const p = this.parser as unknown as ParserState;
    const end = this.fed - (p.buffer!.length - p.offset);
    const raw = this.slice(this.end, end);
    this.end = end;
    this.sink(raw, (v[0] as Buffer).toString('latin1').toLowerCase(), end);
  }

  /** Bytes [from, to) of the stream, still in the window (a view when they lie in one chunk). */
  private slice(from: number, to: number): Buffer {
    let at = this.windowStart;
    const parts: Buffer[] = [];
    for (const c of this.window) {
      const cEnd = at + c.length;
      if (cEnd > from && at < to) parts.push(c.subarray(Math.max(0, from - at), Math.min(c.length, to - at)));
      if (cEnd >= to) break;
      at = cEnd;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, to - from);
  }

  /** Drops the chunks wholly before the last complete command's end. */
  private trim(): void {
    while (this.window.length > 0 && this.windowStart + this.window[0]!.length <= this.end) {
      this.windowStart += this.window.shift()!.length;
    }
  }

  private fail(message: string): void {
    this.failure ??= new ReplicationProtocolError(message);
  }
}
