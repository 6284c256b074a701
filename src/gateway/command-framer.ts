/**
 * Where each command of a client's byte stream begins and ends, as redis-server's own parser
 * sees it (networking.c: processMultibulkBuffer, processInlineBuffer), so the gateway can find an
 * `AUTH`/`HELLO` anywhere in a connection — a renewal of an IAM login 12 hours on — without
 * reading anything else. Bulk payloads are skipped by their announced length, never scanned, and
 * bytes are passed on in the chunks they came in: a command whole in its chunk is read by a tight
 * loop over its headers (tens of ns for a pipelined GET), anything else byte by byte by a state
 * machine that carries over between chunks. Only a command whose first argument is AUTH or HELLO
 * (any case) is held back until it is complete, then handed to the sink, which says what to send
 * instead (at most {@link MAX_LOGIN_BYTES}: a larger one is no login and goes on as it is).
 *
 * Following redis-server exactly matters: a value that merely looks like an AUTH must never be
 * taken for one (its bytes would be rewritten). Where redis-server refuses the bytes (a malformed
 * header) it answers a protocol error and closes the connection, and where it cannot find a line
 * end (a NUL before it) it runs nothing more: either way the framer stops looking and passes
 * everything on as it is. test/integration/gateway-framer.test.ts checks it against redis-server.
 */
import { MAX_LOGIN_BYTES } from './first-command.js';

export interface FramerSink {
  /** Bytes to send on unchanged, in order. */
  pass(bytes: Buffer): void;
  /** A complete AUTH or HELLO command, exactly as the client sent it; returns what to send instead. */
  login(raw: Buffer): Buffer;
}

// Where the framer is: at a command boundary, in a header line, in a bulk payload, in an inline command.
const START = 0;
const COUNT = 1; // digits of `*<count>`
const HEADER_END = 2; // the byte after a header's '\r' (redis-server skips it unchecked)
const DOLLAR = 3; // expecting the '$' of the next argument
const LENGTH = 4; // digits of `$<length>`
const BODY = 5; // `skip` bytes of payload and its CRLF
const INLINE = 6; // an inline command, up to its '\n'
const DEAD = 7; // redis-server rejects what came: it closes the connection; pass everything

// Whether the command being read is an AUTH or HELLO.
const UNKNOWN = 0;
const LOGIN = 1;
const OTHER = 2;

const AUTH = Buffer.from('auth');
const HELLO = Buffer.from('hello');
const CR = 0x0d;
const LF = 0x0a;
/** Longer numbers are beyond any limit redis-server accepts (INT_MAX arguments, proto-max-bulk-len). */
const MAX_DIGITS = 15;

export class CommandFramer {
  private state = START;
  /** The number being read (`*<count>`, `$<length>`), its digit count, its sign. */
  private num = 0;
  private digits = 0;
  private negative = false;
  private leadingZero = false;
  /** What HEADER_END leads to: the arguments (after the count) or the payload (after a length). */
  private afterHeader = DOLLAR;
  private argsLeft = 0;
  /** Bytes of payload (and its CRLF) still to skip. */
  private skip = 0;
  /** The first argument of the command (its name) is being read. */
  private firstArg = false;
  private kind = OTHER;
  /** The length of a command name that may be AUTH or HELLO, and how much of it matched so far. */
  private nameLength = 0;
  private namePos = 0;
  /** Bytes of the current command from earlier chunks, held while it may be a login. */
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly sink: FramerSink) {}

  /** Takes the next chunk of the client's stream; passes on (or holds) every byte of it. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    /** First byte of this chunk not yet passed on. */
    let from = 0;
    /** Where the current command began in this chunk (0 when it began in an earlier one). */
    let cmdStart = 0;
    while (i < n) {
      switch (this.state) {
        case START: {
          cmdStart = i;
          const end = fastCommand(chunk, i);
          if (end !== -1) {
            i = end; // a whole command, no login: nothing to remember
            break;
          }
          if (chunk[i] === 0x2a /* '*' */) {
            this.state = COUNT;
            this.startNumber();
            this.kind = UNKNOWN;
            i++;
          } else {
            this.state = INLINE;
            this.kind = OTHER;
          }
          break;
        }
        case COUNT:
        case LENGTH: {
          const b = chunk[i++]!;
          if (b === CR) {
            if (!this.endNumber()) { this.die(); break; }
            this.afterHeader = this.state === COUNT ? DOLLAR : BODY;
            this.state = HEADER_END;
          } else if (!this.digit(b)) {
            this.die();
          }
          break;
        }
        case HEADER_END: {
          i++; // redis-server checks only that a byte follows the '\r', then skips it
          if (this.afterHeader === DOLLAR) {
            // `*0` and `*-1` are empty commands: redis-server reads on.
            if (this.num <= 0) {
              this.notLogin();
              this.state = START;
            } else {
              this.argsLeft = this.num;
              this.firstArg = true;
              this.state = DOLLAR;
            }
          } else {
            if (this.num < 0) { this.die(); break; }
            this.skip = this.num + 2;
            if (this.firstArg && this.kind === UNKNOWN) {
              if (this.num === 4 || this.num === 5) {
                this.nameLength = this.num;
                this.namePos = 0;
              } else {
                this.notLogin();
              }
            }
            this.state = BODY;
          }
          break;
        }
        case DOLLAR: {
          if (chunk[i] !== 0x24 /* '$' */) { this.die(); break; }
          i++;
          this.startNumber();
          this.state = LENGTH;
          break;
        }
        case BODY: {
          const take = Math.min(this.skip, n - i);
          if (this.firstArg && this.kind === UNKNOWN) this.readName(chunk, i, take);
          i += take;
          this.skip -= take;
          if (this.skip > 0) break;
          this.firstArg = false;
          if (--this.argsLeft > 0) {
            this.state = DOLLAR;
            break;
          }
          this.state = START;
          if (this.kind === LOGIN && this.heldBytes + (i - cmdStart) > MAX_LOGIN_BYTES) this.notLogin();
          if (this.kind === LOGIN) {
            if (cmdStart > from) this.sink.pass(chunk.subarray(from, cmdStart));
            const raw = this.held.length === 0 ? chunk.subarray(cmdStart, i) : Buffer.concat([...this.held, chunk.subarray(cmdStart, i)]);
            this.held = [];
            this.heldBytes = 0;
            this.sink.pass(this.sink.login(raw));
            from = i;
          }
          this.kind = OTHER;
          break;
        }
        case INLINE: {
          const nl = chunk.indexOf(LF, i);
          const end = nl === -1 ? n : nl + 1;
          // redis-server looks for the '\n' with strchr: a NUL before it hides it for good.
          if (chunk.subarray(i, end).includes(0)) { this.die(); break; }
          i = end;
          if (nl !== -1) this.state = START;
          break;
        }
        default: // DEAD
          i = n;
      }
    }
    // The chunk's end: a command that may still be a login is held back, the rest passed on.
    if (this.state !== START && this.state !== DEAD && this.kind !== OTHER) {
      const rest = chunk.subarray(cmdStart, n);
      if (this.heldBytes + rest.length > MAX_LOGIN_BYTES) {
        this.notLogin();
      } else {
        if (cmdStart > from) this.sink.pass(chunk.subarray(from, cmdStart));
        this.held.push(rest);
        this.heldBytes += rest.length;
        return;
      }
    }
    if (from === 0) this.sink.pass(chunk);
    else if (from < n) this.sink.pass(chunk.subarray(from));
  }

  private startNumber(): void {
    this.num = 0;
    this.digits = 0;
    this.negative = false;
    this.leadingZero = false;
  }

  /** One byte of a number; false when redis-server's string2ll would refuse it. */
  private digit(b: number): boolean {
    if (b === 0x2d /* '-' */ && this.digits === 0 && !this.negative) {
      this.negative = true;
      return true;
    }
    if (b < 0x30 || b > 0x39 || this.leadingZero || this.digits >= MAX_DIGITS) return false;
    if (b === 0x30 && this.digits === 0) this.leadingZero = true;
    this.num = this.num * 10 + (b - 0x30);
    this.digits++;
    return true;
  }

  /** Ends a number at its '\r'; false when it is not one string2ll accepts ("", "-", "-0", "01"). */
  private endNumber(): boolean {
    if (this.digits === 0 || (this.negative && this.num === 0)) return false;
    if (this.negative) this.num = -this.num;
    return true;
  }

  /** Compares the command name (4 or 5 bytes long) as it arrives; decides once it is whole. */
  private readName(chunk: Buffer, at: number, take: number): void {
    const word = this.nameLength === 4 ? AUTH : HELLO;
    const end = Math.min(at + take, at + this.nameLength - this.namePos);
    // ASCII case-insensitive, as redis-server looks commands up: `| 0x20` lowercases letters and
    // turns no other byte into one.
    for (let j = at; j < end; j++) if ((chunk[j]! | 0x20) !== word[this.namePos++]) return this.notLogin();
    if (this.namePos === this.nameLength) this.kind = LOGIN;
  }

  /** The current command is no login: what was held goes on, and the rest streams through. */
  private notLogin(): void {
    this.kind = OTHER;
    for (const b of this.held) this.sink.pass(b);
    this.held = [];
    this.heldBytes = 0;
  }

  /** redis-server refuses the stream here (and closes the connection): stop reading it. */
  private die(): void {
    this.notLogin();
    this.state = DEAD;
  }
}

/**
 * The hot path: the end of the command starting at `i` when it is whole in this chunk, written in
 * the usual form (plain decimal lengths) and no AUTH or HELLO; -1 for anything else, which the
 * state machine then reads byte by byte. Local variables only: a pipelined GET costs tens of ns.
 */
function fastCommand(chunk: Buffer, i: number): number {
  const n = chunk.length;
  if (chunk[i] !== 0x2a /* '*' */) return -1;
  let p = i + 1;
  let count = 0;
  let digits = 0;
  for (;;) {
    if (p >= n) return -1;
    const b = chunk[p++]!;
    if (b === CR) break;
    if (b < 0x30 || b > 0x39 || digits >= MAX_DIGITS || (digits === 1 && count === 0)) return -1;
    count = count * 10 + (b - 0x30);
    digits++;
  }
  if (count === 0 || ++p > n) return -1; // `*0`/`*` (the state machine knows), or no byte after the CR yet
  for (let a = 0; a < count; a++) {
    if (p >= n || chunk[p] !== 0x24 /* '$' */) return -1;
    p++;
    let len = 0;
    digits = 0;
    for (;;) {
      if (p >= n) return -1;
      const b = chunk[p++]!;
      if (b === CR) break;
      if (b < 0x30 || b > 0x39 || digits >= MAX_DIGITS || (digits === 1 && len === 0)) return -1;
      len = len * 10 + (b - 0x30);
      digits++;
    }
    if (digits === 0 || ++p > n) return -1;
    if (a === 0 && (len === 4 || len === 5) && (p + len > n || isLoginName(chunk, p, len))) return -1;
    p += len + 2;
    if (p > n) return -1;
  }
  return p;
}

/** Whether the `len` bytes at `at` are AUTH or HELLO, in any case. */
function isLoginName(chunk: Buffer, at: number, len: number): boolean {
  const word = len === 4 ? AUTH : HELLO;
  for (let j = 0; j < len; j++) if ((chunk[at + j]! | 0x20) !== word[j]) return false;
  return true;
}
