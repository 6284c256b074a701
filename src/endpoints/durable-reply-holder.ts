/**
 * The reply half of a durable session (see durable-session.ts): parses the server's replies only
 * to find where each ends (the bytes pass unchanged) and matches them with what the command half
 * expects. From a write's reply until the WAIT's reply, replies are held back, later ones too, so
 * the client sees them in order; the WAIT's own reply is swallowed, and releases the held replies
 * as they are or, when it reports too few replicas, with NOREPLICAS in place of the writes'. In
 * pub/sub and MONITOR mode messages pass as they come while it watches for the session's barrier
 * and for +RESET.
 */
import RedisParser from 'redis-parser';
import { ByteQueue } from './durable-byte-queue.js';
import type { CommandTracker } from './durable-command-tracker.js';
import { Kind } from './durable-expected.js';
import { EARLY_FORWARD, PLUS, valueEnd } from './durable-resp.js';
import type { SessionState } from './durable-state.js';

/** Redis's own error for a write that did not reach enough replicas (as with min-replicas-to-write). */
export const NOREPLICAS_REPLY = Buffer.from('-NOREPLICAS Not enough good replicas to write.\r\n');

const PONG = Buffer.from('pong');
const RESET = Buffer.from('RESET');

/** A held write reply [start, end) that becomes NOREPLICAS if the WAIT fails, or a local reply to insert at `at`. */
type Held = { start: number; end: number } | { at: number; bytes: Buffer };

export class ReplyHolder {
  /** Server bytes not yet passed on. */
  private readonly bytes = new ByteQueue();
  private readonly parser: RedisParser;
  /** Stream position up to which server bytes went to the parser. */
  private parsed = 0;
  /** End of the last complete reply. */
  private consumed = 0;
  private mode: 'resp' | 'modal' | 'raw' = 'resp';
  private holding = false;
  private held: Held[] = [];

  constructor(
    private readonly state: SessionState,
    private readonly commands: Pick<CommandTracker, 'resume'>,
    private readonly replicas: number,
  ) {
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onValue(v, false),
      returnError: (e: unknown) => this.onValue(e, true),
      returnFatalError: () => this.state.fail('the server sent something that is not RESP2'),
    });
  }

  /** Whether the server's stream is passed through unparsed (SYNC, a protocol error). */
  get raw(): boolean {
    return this.mode === 'raw';
  }

  /** Bytes the server sent (not in raw mode). */
  read(chunk: Buffer): void {
    this.bytes.push(chunk);
    this.parsed += chunk.length;
    this.parser.execute(chunk);
    this.finish();
  }

  /** Handles the entries at the head that are not server replies. */
  drainMarkers(): void {
    const expected = this.state.expected;
    while (this.mode === 'resp' && this.state.closeReason === undefined) {
      const e = expected.peek();
      if (e === undefined) return;
      if (e.kind === Kind.Local) {
        if (this.holding) {
          this.held.push({ at: this.consumed, bytes: e.bytes! });
        } else {
          this.bytes.take(this.consumed, this.state.out.toClient);
          this.state.out.toClient.push(e.bytes!);
        }
      } else if (e.kind === Kind.Modal) {
        this.mode = 'modal';
      } else if (e.kind === Kind.Raw) {
        this.mode = 'raw';
      } else {
        return;
      }
      expected.shift();
    }
  }

  /** Passes on what can go now: complete replies not held back (and a huge partial one). */
  finish(): void {
    if (this.state.closeReason !== undefined) return;
    if (this.mode === 'raw') {
      if (!this.holding) this.bytes.take(this.bytes.end, this.state.out.toClient);
      return;
    }
    if (this.holding) return;
    let upTo = this.consumed;
    if (this.parsed - upTo >= EARLY_FORWARD) {
      const e = this.state.expected.peek();
      const forwardable = this.mode === 'resp'
        ? e?.kind === Kind.Reply && !e.write
        : e === undefined || (e.kind !== Kind.Barrier && e.kind !== Kind.ResetSync);
      if (forwardable) upTo = this.parsed;
    }
    this.bytes.take(upTo, this.state.out.toClient);
  }

  private onValue(v: unknown, isError: boolean): void {
    if (this.mode === 'raw' || this.state.closeReason !== undefined) return;
    const end = valueEnd(this.parser, this.parsed);
    const start = this.consumed;
    if (this.mode === 'modal') return this.onModalReply(v, isError, start, end);
    const e = this.state.expected.peek();
    if (e === undefined) {
      // Nothing asked for this (e.g. "max number of clients reached" on connect): pass it on and close.
      this.consumed = end;
      if (!this.holding) this.bytes.take(end, this.state.out.toClient);
      this.state.fail('the server sent a reply no command asked for');
      return;
    }
    this.state.expected.shift();
    if (e.kind === Kind.Reply) {
      if (e.write) {
        if (!this.holding) this.bytes.take(start, this.state.out.toClient); // what came before goes now
        this.holding = true;
        if (!isError && v !== null) this.held.push({ start, end });
      }
    } else if (e.kind === Kind.Wait) {
      this.release(!isError && typeof v === 'number' && v >= this.replicas, start, end);
    }
    this.consumed = end;
    this.drainMarkers();
  }

  /** The WAIT [waitStart, waitEnd) answered: send the held replies, or NOREPLICAS in place of the writes'. */
  private release(ok: boolean, waitStart: number, waitEnd: number): void {
    const out = this.state.out.toClient;
    for (const h of this.held) {
      if ('bytes' in h) {
        this.bytes.take(h.at, out);
        out.push(h.bytes);
      } else if (!ok) {
        this.bytes.take(h.start, out);
        this.bytes.take(h.end);
        out.push(NOREPLICAS_REPLY);
        this.state.stats.noReplicas++;
      }
    }
    this.bytes.take(waitStart, out);
    this.bytes.take(waitEnd);
    this.held = [];
    this.holding = false;
  }

  /** Pub/sub or MONITOR mode: messages pass as they come; watch for our barrier or the RESET. */
  private onModalReply(v: unknown, isError: boolean, start: number, end: number): void {
    const e = this.state.expected.peek();
    if (e?.kind === Kind.Barrier && !isError) {
      const token = e.bytes!;
      const normal = Buffer.isBuffer(v) && v.equals(token);
      const still = !normal && Array.isArray(v) && v.length === 2 && Buffer.isBuffer(v[0]) && v[0].equals(PONG) &&
        Buffer.isBuffer(v[1]) && v[1].equals(token);
      if (normal || still) {
        this.state.expected.shift();
        this.bytes.take(start, this.state.out.toClient);
        this.bytes.take(end); // our PING's answer
        this.consumed = end;
        if (normal) this.mode = 'resp';
        this.resumeClient(normal ? 'resp' : 'pubsub');
        return;
      }
    } else if (e?.kind === Kind.ResetSync && !isError && Buffer.isBuffer(v) && v.equals(RESET) && this.bytes.byteAt(start) === PLUS) {
      this.state.expected.shift();
      this.consumed = end; // +RESET is the client's reply: it passes
      this.mode = 'resp';
      this.resumeClient('resp');
      return;
    }
    this.consumed = end;
  }

  /** The command half carries on with the client bytes it kept; then what it expects first may be a marker. */
  private resumeClient(mode: 'resp' | 'pubsub'): void {
    this.commands.resume(mode);
    this.drainMarkers();
  }
}
