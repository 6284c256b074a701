/**
 * Frames the client's byte stream into commands for a durable session (see durable-session.ts)
 * the way Redis reads it: RESP multibulks (redis-parser) and inline command lines (`PING\r\n`
 * from telnet or a health check), mixed as they come, each with its stream positions
 * [start, end). The bytes stay in the client ByteQueue; the reader only follows positions.
 */
import RedisParser from 'redis-parser';
import type { ByteQueue } from './durable-byte-queue.js';
import { LF, STAR, parserIdle, valueEnd, type Arg } from './durable-resp.js';

/** Redis's own limit for an inline command line. */
const MAX_INLINE = 64 * 1024;

/** What the reader asks of the command half that owns it. */
export interface CommandReaderOwner {
  /** Whether the stream is followed at all: not paused for a barrier or RESET, not a plain pipe. */
  following(): boolean;
  /** Whether commands are wanted: the stream is followed and the session is not closing. */
  wantsCommands(): boolean;
  /** A complete, non-empty command [start, end). */
  onCommand(args: Arg[], start: number, end: number): void;
  /** What follows cannot be framed (a malformed multibulk, an overlong inline line): the server answers it with a protocol error. */
  goRaw(): void;
}

export class CommandReader {
  private readonly parser: RedisParser;
  /** Stream position up to which client bytes went to the parser (or the inline line buffer). */
  private parsed = 0;
  /** End of the last complete command. */
  private cmdEnd = 0;
  private inline: Buffer | undefined;
  /** Set inside the parser's callbacks: reparse from here (inline command, protocol error). */
  private stopAt = -1;
  private fatal = false;

  constructor(private readonly bytes: ByteQueue, private readonly owner: CommandReaderOwner) {
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onValue(v),
      returnError: () => this.onNonCommand(false),
      returnFatalError: () => this.onNonCommand(true),
    });
  }

  /** End of the last complete command. */
  get commandEnd(): number {
    return this.cmdEnd;
  }

  /** Whether an inline command line has begun and not ended. */
  get inInline(): boolean {
    return this.inline !== undefined;
  }

  /** Reads `d`, the client bytes after the position read so far (they are already in the queue). */
  read(d: Buffer): void {
    let data: Buffer | undefined = d;
    while (data !== undefined && data.length > 0 && this.owner.wantsCommands()) {
      if (this.inline !== undefined || (parserIdle(this.parser) && data[0] !== STAR)) {
        data = this.readInline(data);
        continue;
      }
      this.stopAt = -1;
      this.fatal = false;
      this.parsed += data.length;
      this.parser.execute(data);
      data = undefined;
      if (this.stopAt >= 0) {
        const at = this.stopAt;
        this.stopAt = -1;
        this.parser.reset();
        this.parsed = at;
        if (this.fatal && this.bytes.byteAt(at) === STAR) {
          this.owner.goRaw(); // a malformed multibulk: the server answers it with a protocol error and closes
          break;
        }
        data = this.bytes.from(at); // not RESP: an inline command starts here
      }
    }
  }

  /** Forgets any partial command: reading starts again at the first byte still queued. */
  restart(): void {
    this.parser.reset();
    this.inline = undefined;
    this.parsed = this.cmdEnd = this.bytes.start;
  }

  /** One inline command line (or part of one); returns the bytes after it. */
  private readInline(d: Buffer): Buffer | undefined {
    const nl = d.indexOf(LF);
    if (nl < 0) {
      this.inline = this.inline ? Buffer.concat([this.inline, d]) : d;
      this.parsed += d.length;
      if (this.inline.length > MAX_INLINE) {
        this.inline = undefined;
        this.owner.goRaw(); // the server refuses it with a protocol error
      }
      return undefined;
    }
    const line = this.inline ? Buffer.concat([this.inline, d.subarray(0, nl + 1)]) : d.subarray(0, nl + 1);
    this.inline = undefined;
    const start = this.cmdEnd;
    this.parsed += nl + 1;
    this.cmdEnd = this.parsed;
    const words = line.toString('latin1').trim();
    if (words) this.owner.onCommand(words.split(/\s+/), start, this.cmdEnd); // an empty line gets no reply
    return d.subarray(nl + 1);
  }

  private onValue(v: unknown): void {
    if (this.stopAt >= 0 || !this.owner.wantsCommands()) return;
    const start = this.cmdEnd;
    if (!Array.isArray(v) && !(v === null && this.bytes.byteAt(start) === STAR)) {
      this.stopAt = start; // a top-level bulk/simple/integer: Redis reads those lines as inline commands
      return;
    }
    const end = valueEnd(this.parser, this.parsed);
    this.cmdEnd = end;
    if (Array.isArray(v) && v.length > 0) this.owner.onCommand(v as Arg[], start, end); // *0 and *-1: no command, no reply
  }

  private onNonCommand(fatal: boolean): void {
    if (this.stopAt >= 0 || !this.owner.following()) return;
    this.stopAt = this.cmdEnd;
    this.fatal = fatal;
  }
}
