/**
 * The command half of a durable session (see durable-session.ts): follows what the client sent,
 * decides which replies will be writes' (MULTI … EXEC as one), sends the WAIT after each batch's
 * last write, refuses what would break the reply accounting, and follows pub/sub, MONITOR and
 * plain-pipe mode as far as the client side can tell. It forwards the client's bytes and records
 * the replies they will get (SessionState.expected) for the reply half.
 */
import { randomBytes } from 'node:crypto';
import { ByteQueue } from './durable-byte-queue.js';
import { isContainerCommand, isWriteCommand, PUBSUB_COMMANDS } from './durable-classify.js';
import { CommandReader } from './durable-command-reader.js';
import {
  Kind, MODAL_ENTRY, RAW_ENTRY, READ_ENTRY, RESET_ENTRY, WAIT_ENTRY, WRITE_ENTRY,
} from './durable-expected.js';
import { EARLY_FORWARD, command, lower, text, type Arg } from './durable-resp.js';
import type { SessionState } from './durable-state.js';

export const HELLO3_REPLY = Buffer.from(
  '-NOPROTO RESP3 is not supported on this endpoint (cachefleet-durable-writes is on); use RESP2\r\n');
export const CLIENT_REPLY_REPLY = Buffer.from(
  '-ERR CLIENT REPLY OFF|SKIP is not supported on this endpoint (cachefleet-durable-writes is on)\r\n');

export class CommandTracker {
  private readonly waitCommand: Buffer;
  private readonly barrierPrefix = `cachefleet-barrier-${randomBytes(6).toString('hex')}-`;
  private barriers = 0;
  /** Client bytes not yet passed on. */
  private readonly bytes = new ByteQueue();
  private readonly reader: CommandReader;
  private mode: 'resp' | 'pubsub' | 'monitor' | 'raw' = 'resp';
  /** Waiting for a barrier or RESET answer; client bytes are kept meanwhile. */
  private paused = false;
  /** After a barrier found the server still in pub/sub mode: the command that caused it passes. */
  private pubsubPass = false;
  private inMulti = false;
  private txWrite = false;
  private txSubscribe = false;
  /** The WAIT to send after the last write seen in this batch: its stream position and entry index. */
  private waitAfterPos = -1;
  private waitAfterIdx = -1;

  constructor(private readonly state: SessionState, wait: { replicas: number; timeoutMs: number }) {
    this.waitCommand = command(['WAIT', String(wait.replicas), String(wait.timeoutMs)]);
    this.reader = new CommandReader(this.bytes, {
      following: () => !this.paused && this.mode !== 'raw',
      wantsCommands: () => !this.paused && this.mode !== 'raw' && this.state.closeReason === undefined,
      onCommand: (args, start, end) => this.onCommand(args, start, end),
      goRaw: () => this.goRaw(),
    });
  }

  /** Whether the client's stream is passed through unread (SYNC, a protocol error). */
  get raw(): boolean {
    return this.mode === 'raw';
  }

  /** Bytes the client sent (not in raw mode). */
  read(chunk: Buffer): void {
    this.bytes.push(chunk);
    if (!this.paused) this.parse(chunk);
    this.finish();
  }

  /** After a barrier or RESET answer: carry on with the kept client bytes in `mode`. */
  resume(mode: 'resp' | 'pubsub'): void {
    this.paused = false;
    this.mode = mode;
    this.pubsubPass = mode === 'pubsub';
    this.reader.restart();
    if (this.bytes.end > this.bytes.start) this.parse(this.bytes.from(this.bytes.start));
    this.finish();
  }

  /** Parses `d`, the client bytes after those read so far (they are already queued). */
  private parse(d: Buffer): void {
    this.reader.read(d);
    this.emitPendingWait();
  }

  private onCommand(args: Arg[], start: number, end: number): void {
    const name = lower(args[0]);
    if (this.mode === 'resp') this.onRespCommand(name, args, start, end);
    else this.onModalCommand(name, start, end);
  }

  private onRespCommand(name: string, args: Arg[], start: number, end: number): void {
    const expected = this.state.expected;
    switch (name) {
      case 'multi':
        if (!this.inMulti) {
          this.inMulti = true;
          this.txWrite = false;
          this.txSubscribe = false;
        }
        expected.push(READ_ENTRY);
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
        expected.push(READ_ENTRY);
        return;
      case 'subscribe':
      case 'psubscribe':
      case 'ssubscribe':
        if (this.inMulti) {
          this.txSubscribe = true;
          expected.push(READ_ENTRY);
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
    const write = isWriteCommand(name, isContainerCommand(name) ? lower(args[1]) : undefined);
    if (this.inMulti) {
      if (write) this.txWrite = true;
      expected.push(READ_ENTRY); // +QUEUED
      return;
    }
    this.pushReply(write, end);
  }

  private pushReply(write: boolean, end: number): void {
    const expected = this.state.expected;
    expected.push(write ? WRITE_ENTRY : READ_ENTRY);
    if (write) {
      this.waitAfterPos = end;
      this.waitAfterIdx = expected.lastIndex;
    }
  }

  /** Sends the batch's WAIT right after its last write (bytes and expected replies alike). */
  private emitPendingWait(): void {
    if (this.waitAfterPos < 0) return;
    this.bytes.take(this.waitAfterPos, this.state.out.toServer);
    this.state.out.toServer.push(this.waitCommand);
    this.state.expected.insertAfter(this.waitAfterIdx, WAIT_ENTRY);
    this.waitAfterPos = -1;
    this.state.stats.waits++;
  }

  private enterModal(mode: 'pubsub' | 'monitor'): void {
    this.emitPendingWait();
    this.state.expected.push(MODAL_ENTRY);
    this.mode = mode;
  }

  private goRaw(): void {
    this.emitPendingWait();
    this.state.expected.push(RAW_ENTRY);
    this.mode = 'raw';
  }

  /** Answers the command [start, end) locally; the server never sees it. */
  private refuse(start: number, end: number, reply: Buffer): void {
    if (start < this.bytes.start) {
      // Part of it already went out (forwarded early as a huge partial command): cannot take it back.
      this.state.fail('a command the endpoint refuses was already partly forwarded');
      return;
    }
    this.emitPendingWait();
    this.bytes.take(start, this.state.out.toServer);
    this.bytes.take(end);
    this.state.expected.push({ kind: Kind.Local, bytes: reply });
  }

  /** Pub/sub or MONITOR mode (as far as the client side knows). */
  private onModalCommand(name: string, start: number, end: number): void {
    const pass = this.pubsubPass;
    this.pubsubPass = false;
    if (name === 'reset') {
      // Ends either mode; what follows waits for its +RESET.
      this.bytes.take(end, this.state.out.toServer);
      this.state.expected.push(RESET_ENTRY);
      this.paused = true;
      return;
    }
    if (this.mode === 'monitor' || PUBSUB_COMMANDS.has(name) || pass) return; // passes through
    // Has the server left pub/sub mode (UNSUBSCRIBE from everything)? Ask before sending this.
    this.bytes.take(start, this.state.out.toServer);
    const token = Buffer.from(`${this.barrierPrefix}${++this.barriers}`);
    this.state.out.toServer.push(command(['PING', token.toString('latin1')]));
    this.state.expected.push({ kind: Kind.Barrier, bytes: token });
    this.paused = true;
  }

  /** Passes on the complete commands (and a huge partial one). */
  private finish(): void {
    if (this.mode === 'raw') {
      this.bytes.take(this.bytes.end, this.state.out.toServer);
      return;
    }
    if (this.paused || this.state.closeReason !== undefined) return;
    let upTo = this.reader.commandEnd;
    if (this.mode === 'resp' && !this.reader.inInline && this.bytes.end - upTo >= EARLY_FORWARD) upTo = this.bytes.end;
    this.bytes.take(upTo, this.state.out.toServer);
  }
}
