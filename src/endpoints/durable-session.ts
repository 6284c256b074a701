/**
 * The durable mode of a primary endpoint (parameter `cachefleet-durable-writes`): one client
 * connection's traffic, rewritten so that the client gets a write's reply only once a replica has
 * the write. Redis replication is asynchronous; without this a write the primary acknowledged but
 * had not yet streamed to a replica is lost when the primary dies and a replica is promoted.
 *
 * How: the client's command stream is parsed (redis-parser) and forwarded unchanged, except that
 * `WAIT <replicas> <timeoutMs>` is sent right after the last write of each batch of commands that
 * arrived together (a pipeline costs one WAIT, not one per write; a MULTI … EXEC that wrote gets
 * one after EXEC). The server's replies are parsed too (only to find where each one ends; the bytes
 * pass unchanged, binary values included). From a write's reply until the WAIT's reply, replies
 * are held back, later ones too, so the client sees them in order; the WAIT's own reply is
 * swallowed. When it reports at least `replicas` replicas, the held replies go out as they are;
 * otherwise each held write reply becomes `-NOREPLICAS Not enough good replicas to write.` (the
 * write may still exist on the primary: the client must treat it as unknown, as any error). A
 * write that failed (an error reply) or did nothing (a null reply) keeps its own reply.
 *
 * What counts as a write: every command @ioredis/commands flags `write` (for container commands
 * such as XGROUP or FUNCTION, the subcommand's flag), scripts and functions not marked read-only
 * (EVAL, EVALSHA, FCALL), and any command it does not know (a module's, a renamed one).
 *
 * Supported around that:
 * - pipelining, MULTI/EXEC/DISCARD, blocking commands (BLPOP, XREAD BLOCK, the client's own
 *   WAIT, …: a reply simply comes later), inline commands (`PING\r\n` from telnet or a health
 *   check), AUTH/SELECT/CLIENT …, binary keys and values, replies split anywhere across reads.
 * - Pub/sub (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) and MONITOR: from there on the server's messages
 *   are passed through as they come. A pub/sub connection may go back to ordinary commands
 *   (UNSUBSCRIBE from everything, or RESET): before the first non-pub/sub command the session
 *   sends a `PING <token>` barrier and waits for its answer, which tells whether the server is
 *   still in pub/sub mode; writes after that are held as usual. After MONITOR the server refuses
 *   keyspace commands until RESET, whose `+RESET` reply ends MONITOR mode for the session too.
 * - SYNC/PSYNC (a replica attached through the endpoint) turn the connection into a plain pipe.
 *
 * Refused with an error, without reaching the server (they would break the reply accounting):
 * `HELLO 3` (RESP3: push messages and new reply types; the error is Redis's own `-NOPROTO`, on
 * which RESP3-first clients such as Lettuce fall back to RESP2) and `CLIENT REPLY OFF|SKIP`.
 *
 * The class does no I/O: feed it what each side sent, send what it returns. Unit-tested without
 * sockets; the detached proxy process (proxy-process.ts) drives it for durable routes.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { exists, hasFlag, list } from '@ioredis/commands';
import RedisParser from 'redis-parser';

/** Redis's own error for a write that did not reach enough replicas (as with min-replicas-to-write). */
export const NOREPLICAS_REPLY = Buffer.from('-NOREPLICAS Not enough good replicas to write.\r\n');
export const HELLO3_REPLY = Buffer.from(
  '-NOPROTO RESP3 is not supported on this endpoint (cachefleet-durable-writes is on); use RESP2\r\n');
export const CLIENT_REPLY_REPLY = Buffer.from(
  '-ERR CLIENT REPLY OFF|SKIP is not supported on this endpoint (cachefleet-durable-writes is on)\r\n');

const STAR = 0x2a; // '*'
const PLUS = 0x2b; // '+'
const LF = 0x0a;
/** Redis's own limit for an inline command line. */
const MAX_INLINE = 64 * 1024;
/** A partial command or reply this large is forwarded before it is complete (a huge value). */
const EARLY_FORWARD = 64 * 1024;
const PONG = Buffer.from('pong');
const RESET = Buffer.from('RESET');
/** Commands a RESP2 connection in pub/sub mode may send. */
const PUBSUB_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit']);

// ---------------------------------------------------------------------------------------------
// Which commands write

const WRITES = new Set<string>();
/** Container commands (XGROUP, FUNCTION, …) → their subcommands that write. */
const CONTAINERS = new Map<string, Set<string>>();

interface CommandMeta {
  flags: string[];
  subcommands?: Record<string, { flags: string[] }>;
}

(function loadCommandTable(): void {
  // hasFlag() answers for top-level commands only; the same package's table has the subcommands.
  let meta: Record<string, CommandMeta> | undefined;
  try {
    meta = createRequire(import.meta.url)('@ioredis/commands/built/commands.json') as Record<string, CommandMeta>;
  } catch {
    meta = undefined;
  }
  for (const name of list) {
    if (hasFlag(name, 'write') || (hasFlag(name, 'script_runner') && !hasFlag(name, 'readonly'))) {
      WRITES.add(name);
      continue;
    }
    const subs = meta?.[name]?.subcommands;
    if (subs) {
      CONTAINERS.set(name, new Set(Object.entries(subs).filter(([, s]) => s.flags.includes('write')).map(([n]) => n)));
    } else if (!meta && !['readonly', 'fast', 'admin', 'pubsub', 'noscript', 'loading', 'stale', 'blocking'].some((f) => hasFlag(name, f))) {
      WRITES.add(name); // no subcommand table: a flagless container may write
    }
  }
})();

/** Whether `name` (lower case) with subcommand `sub` (lower case, for containers) may change data. */
export function isWriteCommand(name: string, sub?: string): boolean {
  if (WRITES.has(name)) return true;
  const subs = CONTAINERS.get(name);
  if (subs) return sub !== undefined && subs.has(sub);
  return !exists(name); // a module's or a renamed command: assume it writes
}

// ---------------------------------------------------------------------------------------------
// Bytes not yet passed on, addressed by absolute stream position

class ByteQueue {
  private chunks: Buffer[] = [];
  private first = 0;
  /** Bytes of chunks[first] already taken. */
  private offset = 0;
  /** Stream position of the first byte still held. */
  start = 0;
  /** Stream position after the last byte pushed. */
  end = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.end += b.length;
  }

  /** Removes bytes [start, pos): appended to `out` as slices (no copy), or dropped without `out`. */
  take(pos: number, out?: Buffer[]): void {
    let n = Math.min(pos, this.end) - this.start;
    if (n <= 0) return;
    this.start += n;
    while (n > 0) {
      const c = this.chunks[this.first]!;
      const avail = c.length - this.offset;
      if (n < avail) {
        out?.push(c.subarray(this.offset, this.offset + n));
        this.offset += n;
        return;
      }
      out?.push(this.offset === 0 ? c : c.subarray(this.offset));
      n -= avail;
      this.first++;
      this.offset = 0;
    }
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 32) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** The byte at stream position `pos` (still held), or -1. */
  byteAt(pos: number): number {
    let rel = pos - this.start;
    if (rel < 0) return -1;
    rel += this.offset;
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (rel < c.length) return c[rel]!;
      rel -= c.length;
    }
    return -1;
  }

  /** Bytes [pos, end), left in place: one slice when they sit in one chunk, else a copy. */
  from(pos: number): Buffer {
    let rel = pos - this.start + this.offset;
    const parts: Buffer[] = [];
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (rel >= c.length) { rel -= c.length; continue; }
      parts.push(rel > 0 ? c.subarray(rel) : c);
      rel = 0;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

// ---------------------------------------------------------------------------------------------
// The session

/** What to send each way now (in order; write them with cork/uncork or concatenated). */
export interface SessionOutput {
  toServer: Buffer[];
  toClient: Buffer[];
}

export interface DurableSessionOptions {
  /** WAIT timeout: how long a write waits for a replica before it is answered NOREPLICAS. */
  timeoutMs: number;
  /** Replicas that must have a write. Default 1. */
  replicas?: number;
}

export interface DurableSessionStats {
  /** WAITs sent. */
  waits: number;
  /** Write replies replaced by NOREPLICAS. */
  noReplicas: number;
}

/** Expected server replies (and local events) in order. */
const enum Kind {
  /** The reply to a command the client sent. */
  Reply,
  /** The reply to our WAIT: swallowed, releases the held replies. */
  Wait,
  /** A reply the session makes itself (a refused command), delivered in its place in the order. */
  Local,
  /** From here the server's messages are not one reply per command (pub/sub, MONITOR). */
  Modal,
  /** From here the server's stream is passed through unparsed (SYNC, a protocol error). */
  Raw,
  /** In pub/sub mode: the answer to our PING <token>. */
  Barrier,
  /** In pub/sub or MONITOR mode: the client's RESET, answered +RESET. */
  ResetSync,
}

interface Entry {
  kind: Kind;
  write?: boolean;
  bytes?: Buffer;
}

const READ_ENTRY: Entry = Object.freeze({ kind: Kind.Reply, write: false });
const WRITE_ENTRY: Entry = Object.freeze({ kind: Kind.Reply, write: true });
const WAIT_ENTRY: Entry = Object.freeze({ kind: Kind.Wait });
const MODAL_ENTRY: Entry = Object.freeze({ kind: Kind.Modal });
const RAW_ENTRY: Entry = Object.freeze({ kind: Kind.Raw });
const RESET_ENTRY: Entry = Object.freeze({ kind: Kind.ResetSync });

/** A held write reply [start, end) that becomes NOREPLICAS if the WAIT fails, or a local reply to insert at `at`. */
type Held = { start: number; end: number } | { at: number; bytes: Buffer };

/** redis-parser's own position in the bytes it was given (not in its typings, stable since 2017). */
interface ParserState {
  buffer: Buffer | null;
  offset: number;
}

/** A command argument: a Buffer from RESP, a string from an inline command (anything else is malformed). */
type Arg = Buffer | string;
const text = (a: unknown): string => (Buffer.isBuffer(a) ? a.toString('latin1') : a === undefined ? '' : String(a));
const lower = (a: unknown): string => text(a).toLowerCase();

function command(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

export class DurableSession {
  /** Set when the connection must be closed once the output is sent (the streams no longer line up). */
  closeReason: string | undefined;
  readonly stats: DurableSessionStats = { waits: 0, noReplicas: 0 };

  private readonly waitCommand: Buffer;
  private readonly replicas: number;
  private readonly barrierPrefix = `cachefleet-barrier-${randomBytes(6).toString('hex')}-`;
  private barriers = 0;
  private out: SessionOutput = { toServer: [], toClient: [] };

  // client → server
  private readonly cbq = new ByteQueue();
  private readonly cparser: RedisParser;
  /** Stream position up to which client bytes went to the parser (or the inline line buffer). */
  private cParsed = 0;
  /** End of the last complete command. */
  private cCmdEnd = 0;
  private cmode: 'resp' | 'pubsub' | 'monitor' | 'raw' = 'resp';
  /** Waiting for a barrier or RESET answer; client bytes are kept meanwhile. */
  private paused = false;
  /** After a barrier found the server still in pub/sub mode: the command that caused it passes. */
  private pubsubPass = false;
  private inline: Buffer | undefined;
  /** Set inside the parser's callbacks: reparse from here (inline command, protocol error). */
  private stopAt = -1;
  private fatal = false;
  private inMulti = false;
  private txWrite = false;
  private txSubscribe = false;
  /** The WAIT to send after the last write seen in this batch: its stream position and entry index. */
  private waitAfterPos = -1;
  private waitAfterIdx = -1;

  // server → client
  private readonly sbq = new ByteQueue();
  private readonly sparser: RedisParser;
  private sParsed = 0;
  /** End of the last complete reply. */
  private sConsumed = 0;
  private smode: 'resp' | 'modal' | 'raw' = 'resp';
  private q: Entry[] = [];
  private qHead = 0;
  private holding = false;
  private held: Held[] = [];

  constructor(opts: DurableSessionOptions) {
    if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1) throw new Error(`invalid WAIT timeout ${opts.timeoutMs}`);
    this.replicas = opts.replicas ?? 1;
    this.waitCommand = command(['WAIT', String(this.replicas), String(opts.timeoutMs)]);
    this.cparser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onClientValue(v),
      returnError: () => this.onClientNonCommand(false),
      returnFatalError: () => this.onClientNonCommand(true),
    });
    this.sparser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onServerValue(v, false),
      returnError: (e: unknown) => this.onServerValue(e, true),
      returnFatalError: () => this.fail('the server sent something that is not RESP2'),
    });
  }

  /** Bytes the client sent. */
  fromClient(chunk: Buffer): SessionOutput {
    const out = this.begin();
    if (this.closeReason !== undefined) return out;
    if (this.cmode === 'raw') {
      out.toServer.push(chunk);
      return out;
    }
    this.cbq.push(chunk);
    if (!this.paused) this.parseClient(chunk);
    this.finishClient();
    this.drainMarkers();
    this.finishServer();
    return out;
  }

  /** Bytes the server sent. */
  fromServer(chunk: Buffer): SessionOutput {
    const out = this.begin();
    if (this.closeReason !== undefined) return out;
    if (this.smode === 'raw') {
      out.toClient.push(chunk);
      return out;
    }
    this.sbq.push(chunk);
    this.sParsed += chunk.length;
    this.sparser.execute(chunk);
    this.finishServer();
    if (this.qHead > 1024 && this.qHead * 2 > this.q.length) {
      this.q = this.q.slice(this.qHead);
      this.qHead = 0;
    }
    return out;
  }

  private begin(): SessionOutput {
    this.out = { toServer: [], toClient: [] };
    return this.out;
  }

  private fail(reason: string): void {
    this.closeReason ??= reason;
  }

  // ------------------------------------------------------------------ client side

  private parserIdle(): boolean {
    return (this.cparser as unknown as ParserState).buffer === null;
  }

  /** Parses `d`, the client bytes after position cParsed (they are already in cbq). */
  private parseClient(d: Buffer): void {
    let data: Buffer | undefined = d;
    while (data !== undefined && data.length > 0 && !this.paused && this.cmode !== 'raw' && this.closeReason === undefined) {
      if (this.inline !== undefined || (this.parserIdle() && data[0] !== STAR)) {
        data = this.parseInline(data);
        continue;
      }
      this.stopAt = -1;
      this.fatal = false;
      this.cParsed += data.length;
      this.cparser.execute(data);
      data = undefined;
      if (this.stopAt >= 0) {
        const at = this.stopAt;
        this.stopAt = -1;
        this.cparser.reset();
        this.cParsed = at;
        if (this.fatal && this.cbq.byteAt(at) === STAR) {
          this.goRaw(); // a malformed multibulk: the server answers it with a protocol error and closes
          break;
        }
        data = this.cbq.from(at); // not RESP: an inline command starts here
      }
    }
    this.emitPendingWait();
  }

  /** One inline command line (or part of one); returns the bytes after it. */
  private parseInline(d: Buffer): Buffer | undefined {
    const nl = d.indexOf(LF);
    if (nl < 0) {
      this.inline = this.inline ? Buffer.concat([this.inline, d]) : d;
      this.cParsed += d.length;
      if (this.inline.length > MAX_INLINE) {
        this.inline = undefined;
        this.goRaw(); // the server refuses it with a protocol error
      }
      return undefined;
    }
    const line = this.inline ? Buffer.concat([this.inline, d.subarray(0, nl + 1)]) : d.subarray(0, nl + 1);
    this.inline = undefined;
    const start = this.cCmdEnd;
    this.cParsed += nl + 1;
    this.cCmdEnd = this.cParsed;
    const words = line.toString('latin1').trim();
    if (words) this.onCommand(words.split(/\s+/), start, this.cCmdEnd); // an empty line gets no reply
    return d.subarray(nl + 1);
  }

  private onClientValue(v: unknown): void {
    if (this.stopAt >= 0 || this.paused || this.cmode === 'raw' || this.closeReason !== undefined) return;
    const start = this.cCmdEnd;
    if (!Array.isArray(v) && !(v === null && this.cbq.byteAt(start) === STAR)) {
      this.stopAt = start; // a top-level bulk/simple/integer: Redis reads those lines as inline commands
      return;
    }
    const p = this.cparser as unknown as ParserState;
    const end = this.cParsed - (p.buffer!.length - p.offset);
    this.cCmdEnd = end;
    if (Array.isArray(v) && v.length > 0) this.onCommand(v as Arg[], start, end); // *0 and *-1: no command, no reply
  }

  private onClientNonCommand(fatal: boolean): void {
    if (this.stopAt >= 0 || this.paused || this.cmode === 'raw') return;
    this.stopAt = this.cCmdEnd;
    this.fatal = fatal;
  }

  private onCommand(args: Arg[], start: number, end: number): void {
    const name = lower(args[0]);
    if (this.cmode === 'resp') this.onRespCommand(name, args, start, end);
    else this.onModalCommand(name, start, end);
  }

  private onRespCommand(name: string, args: Arg[], start: number, end: number): void {
    switch (name) {
      case 'multi':
        if (!this.inMulti) {
          this.inMulti = true;
          this.txWrite = false;
          this.txSubscribe = false;
        }
        this.q.push(READ_ENTRY);
        return;
      case 'exec':
        if (!this.inMulti) break;
        this.inMulti = false;
        this.pushReply(this.txWrite, end);
        if (this.txSubscribe) this.enterModal('pubsub');
        return;
      case 'discard':
      case 'reset':
        this.inMulti = false;
        this.q.push(READ_ENTRY);
        return;
      case 'subscribe':
      case 'psubscribe':
      case 'ssubscribe':
        if (this.inMulti) {
          this.txSubscribe = true;
          this.q.push(READ_ENTRY);
        } else {
          this.enterModal('pubsub');
        }
        return;
      case 'monitor':
        if (this.inMulti) break; // refused by the server inside MULTI
        this.enterModal('monitor');
        return;
      case 'sync':
      case 'psync':
        this.goRaw(); // a replica's replication stream: not request/reply any more
        return;
      case 'hello':
        if (args.length > 1 && Number(text(args[1])) >= 3) return this.refuse(start, end, HELLO3_REPLY);
        break;
      case 'client':
        if (args.length > 2 && lower(args[1]) === 'reply' && ['off', 'skip'].includes(lower(args[2]))) {
          return this.refuse(start, end, CLIENT_REPLY_REPLY);
        }
        break;
    }
    const write = isWriteCommand(name, CONTAINERS.has(name) ? lower(args[1]) : undefined);
    if (this.inMulti) {
      if (write) this.txWrite = true;
      this.q.push(READ_ENTRY); // +QUEUED
      return;
    }
    this.pushReply(write, end);
  }

  private pushReply(write: boolean, end: number): void {
    this.q.push(write ? WRITE_ENTRY : READ_ENTRY);
    if (write) {
      this.waitAfterPos = end;
      this.waitAfterIdx = this.q.length - 1;
    }
  }

  /** Sends the batch's WAIT right after its last write (bytes and expected replies alike). */
  private emitPendingWait(): void {
    if (this.waitAfterPos < 0) return;
    this.cbq.take(this.waitAfterPos, this.out.toServer);
    this.out.toServer.push(this.waitCommand);
    this.q.splice(this.waitAfterIdx + 1, 0, WAIT_ENTRY);
    this.waitAfterPos = -1;
    this.stats.waits++;
  }

  private enterModal(mode: 'pubsub' | 'monitor'): void {
    this.emitPendingWait();
    this.q.push(MODAL_ENTRY);
    this.cmode = mode;
  }

  private goRaw(): void {
    this.emitPendingWait();
    this.q.push(RAW_ENTRY);
    this.cmode = 'raw';
  }

  /** Answers the command [start, end) locally; the server never sees it. */
  private refuse(start: number, end: number, reply: Buffer): void {
    if (start < this.cbq.start) {
      // Part of it already went out (forwarded early as a huge partial command): cannot take it back.
      this.fail('a command the endpoint refuses was already partly forwarded');
      return;
    }
    this.emitPendingWait();
    this.cbq.take(start, this.out.toServer);
    this.cbq.take(end);
    this.q.push({ kind: Kind.Local, bytes: reply });
  }

  /** Pub/sub or MONITOR mode (as far as the client side knows). */
  private onModalCommand(name: string, start: number, end: number): void {
    const pass = this.pubsubPass;
    this.pubsubPass = false;
    if (name === 'reset') {
      // Ends either mode; what follows waits for its +RESET.
      this.cbq.take(end, this.out.toServer);
      this.q.push(RESET_ENTRY);
      this.paused = true;
      return;
    }
    if (this.cmode === 'monitor' || PUBSUB_COMMANDS.has(name) || pass) return; // passes through
    // Has the server left pub/sub mode (UNSUBSCRIBE from everything)? Ask before sending this.
    this.cbq.take(start, this.out.toServer);
    const token = Buffer.from(`${this.barrierPrefix}${++this.barriers}`);
    this.out.toServer.push(command(['PING', token.toString('latin1')]));
    this.q.push({ kind: Kind.Barrier, bytes: token });
    this.paused = true;
  }

  /** After a barrier or RESET answer: carry on with the kept client bytes in `mode`. */
  private resumeClient(mode: 'resp' | 'pubsub'): void {
    this.paused = false;
    this.cmode = mode;
    this.pubsubPass = mode === 'pubsub';
    this.cparser.reset();
    this.inline = undefined;
    this.cParsed = this.cCmdEnd = this.cbq.start;
    if (this.cbq.end > this.cbq.start) this.parseClient(this.cbq.from(this.cbq.start));
    this.finishClient();
    this.drainMarkers();
  }

  /** Passes on the complete commands (and a huge partial one). */
  private finishClient(): void {
    if (this.cmode === 'raw') {
      this.cbq.take(this.cbq.end, this.out.toServer);
      return;
    }
    if (this.paused || this.closeReason !== undefined) return;
    let upTo = this.cCmdEnd;
    if (this.cmode === 'resp' && this.inline === undefined && this.cbq.end - upTo >= EARLY_FORWARD) upTo = this.cbq.end;
    this.cbq.take(upTo, this.out.toServer);
  }

  // ------------------------------------------------------------------ server side

  private onServerValue(v: unknown, isError: boolean): void {
    if (this.smode === 'raw' || this.closeReason !== undefined) return;
    const p = this.sparser as unknown as ParserState;
    const end = this.sParsed - (p.buffer!.length - p.offset);
    const start = this.sConsumed;
    if (this.smode === 'modal') return this.onModalReply(v, isError, start, end);
    const e = this.q[this.qHead];
    if (e === undefined) {
      // Nothing asked for this (e.g. "max number of clients reached" on connect): pass it on and close.
      this.sConsumed = end;
      if (!this.holding) this.sbq.take(end, this.out.toClient);
      this.fail('the server sent a reply no command asked for');
      return;
    }
    this.qHead++;
    if (e.kind === Kind.Reply) {
      if (e.write) {
        if (!this.holding) this.sbq.take(start, this.out.toClient); // what came before goes now
        this.holding = true;
        if (!isError && v !== null) this.held.push({ start, end });
      }
    } else if (e.kind === Kind.Wait) {
      this.release(!isError && typeof v === 'number' && v >= this.replicas, start, end);
    }
    this.sConsumed = end;
    this.drainMarkers();
  }

  /** The WAIT [waitStart, waitEnd) answered: send the held replies, or NOREPLICAS in place of the writes'. */
  private release(ok: boolean, waitStart: number, waitEnd: number): void {
    const out = this.out.toClient;
    for (const h of this.held) {
      if ('bytes' in h) {
        this.sbq.take(h.at, out);
        out.push(h.bytes);
      } else if (!ok) {
        this.sbq.take(h.start, out);
        this.sbq.take(h.end);
        out.push(NOREPLICAS_REPLY);
        this.stats.noReplicas++;
      }
    }
    this.sbq.take(waitStart, out);
    this.sbq.take(waitEnd);
    this.held = [];
    this.holding = false;
  }

  /** Handles the entries at the head that are not server replies. */
  private drainMarkers(): void {
    while (this.smode === 'resp' && this.closeReason === undefined) {
      const e = this.q[this.qHead];
      if (e === undefined) return;
      if (e.kind === Kind.Local) {
        if (this.holding) {
          this.held.push({ at: this.sConsumed, bytes: e.bytes! });
        } else {
          this.sbq.take(this.sConsumed, this.out.toClient);
          this.out.toClient.push(e.bytes!);
        }
      } else if (e.kind === Kind.Modal) {
        this.smode = 'modal';
      } else if (e.kind === Kind.Raw) {
        this.smode = 'raw';
      } else {
        return;
      }
      this.qHead++;
    }
  }

  /** Pub/sub or MONITOR mode: messages pass as they come; watch for our barrier or the RESET. */
  private onModalReply(v: unknown, isError: boolean, start: number, end: number): void {
    const e = this.q[this.qHead];
    if (e?.kind === Kind.Barrier && !isError) {
      const token = e.bytes!;
      const normal = Buffer.isBuffer(v) && v.equals(token);
      const still = !normal && Array.isArray(v) && v.length === 2 && Buffer.isBuffer(v[0]) && v[0].equals(PONG) &&
        Buffer.isBuffer(v[1]) && v[1].equals(token);
      if (normal || still) {
        this.qHead++;
        this.sbq.take(start, this.out.toClient);
        this.sbq.take(end); // our PING's answer
        this.sConsumed = end;
        if (normal) this.smode = 'resp';
        this.resumeClient(normal ? 'resp' : 'pubsub');
        return;
      }
    } else if (e?.kind === Kind.ResetSync && !isError && Buffer.isBuffer(v) && v.equals(RESET) && this.sbq.byteAt(start) === PLUS) {
      this.qHead++;
      this.sConsumed = end; // +RESET is the client's reply: it passes
      this.smode = 'resp';
      this.resumeClient('resp');
      return;
    }
    this.sConsumed = end;
  }

  /** Passes on what can go now: complete replies not held back (and a huge partial one). */
  private finishServer(): void {
    if (this.closeReason !== undefined) return;
    if (this.smode === 'raw') {
      if (!this.holding) this.sbq.take(this.sbq.end, this.out.toClient);
      return;
    }
    if (this.holding) return;
    let upTo = this.sConsumed;
    if (this.sParsed - upTo >= EARLY_FORWARD) {
      const e = this.q[this.qHead];
      const forwardable = this.smode === 'resp'
        ? e?.kind === Kind.Reply && !e.write
        : e === undefined || (e.kind !== Kind.Barrier && e.kind !== Kind.ResetSync);
      if (forwardable) upTo = this.sParsed;
    }
    this.sbq.take(upTo, this.out.toClient);
  }
}
