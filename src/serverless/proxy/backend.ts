/**
 * One connection to a backend node, pipelined: commands are written as they come and replies are
 * matched to them in order (Redis answers a connection's commands in the order it read them).
 * Replies are handed over as the node's own bytes. The login (AUTH or HELLO, then READONLY on a
 * replica) is written first, so commands queued before the connection is up follow it.
 *
 * When the connection is lost, every command waiting for a reply learns whether it had been
 * written: one never written was never executed (safe to send elsewhere), one written may have been.
 */
import net from 'node:net';
import tls from 'node:tls';
import { encodeCommand, errorText, frameEnd, type Proto } from './resp.js';
import type { NodeAddress } from './slot-map.js';

export interface Login {
  user: string;
  password: string;
  /** user + hash of the password: the pool key of this login. */
  key: string;
}

export interface BackendOptions {
  node: NodeAddress;
  login: Login;
  proto: Proto;
  /** READONLY after login: reads served by a replica. */
  readonly: boolean;
  /** Verify a TLS node with this CA (PEM); absent = plaintext. */
  tlsCa?: string;
  /** The local address to connect from (the service's management address). */
  localAddress?: string;
  connectTimeoutMs: number;
  /**
   * A connection whose oldest command has had no reply for this long is given up (a frozen or
   * unreachable node): its commands fail over as on a lost connection. 0: wait for ever (a
   * client's own connection, where BLPOP may wait as long as it asked).
   */
  replyTimeoutMs?: number;
  /** Frames no command waits for: pub/sub messages, RESP3 pushes. */
  onPush?: (frame: Buffer) => void;
  onClose?: (conn: BackendConnection) => void;
}

/** `replies` has one Buffer per reply asked for; `lost` says the connection died first. */
export type ReplyCallback = (replies: Buffer[] | undefined, lost?: { written: boolean; reason: string }) => void;

interface Entry {
  n: number;
  got: Buffer[];
  cb: ReplyCallback;
  written: boolean;
}

export class BackendConnection {
  private readonly socket: net.Socket;
  private connected = false;
  closed = false;
  private readonly entries: Entry[] = [];
  private head = 0;
  private outbox: Buffer[] = [];
  private rest: Buffer | undefined;
  private pendingWrites: Buffer[] = [];
  private flushScheduled = false;
  private closeReason = 'backend connection closed';
  private failed = false;
  /** Replies read so far, and as the watchdog last saw them (with commands waiting). */
  private replies = 0;
  private repliesSeen = -1;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(readonly opts: BackendOptions) {
    const { host, port } = opts.node;
    const onConnect = () => this.onConnect();
    const from = opts.localAddress ? { localAddress: opts.localAddress } : {};
    // tls.connect hands localAddress on to net.connect (its typings leave it out).
    this.socket = opts.tlsCa
      ? tls.connect({ host, port, ca: opts.tlsCa, ALPNProtocols: [], ...from } as tls.ConnectionOptions, onConnect)
      : net.connect({ host, port, noDelay: true, ...from }, onConnect);
    this.socket.setNoDelay(true);
    this.socket.setTimeout(opts.connectTimeoutMs, () => this.destroy('backend connect timeout'));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (e) => { this.closeReason = `backend ${host}:${port}: ${e.message}`; });
    this.socket.on('close', () => this.onSocketClose());
    const { login } = opts;
    const hello = opts.proto === 3
      ? encodeCommand(['HELLO', '3', 'AUTH', login.user, login.password])
      : encodeCommand(['AUTH', login.user, login.password]);
    this.enqueueInternal(hello);
    if (opts.readonly) this.enqueueInternal(encodeCommand(['READONLY']));
  }

  get pending(): number {
    return this.entries.length - this.head;
  }

  /** Sends `frame` (holding `n` commands) and calls `cb` with their `n` replies. */
  send(frame: Buffer, n: number, cb: ReplyCallback): void {
    if (this.closed) {
      queueMicrotask(() => cb(undefined, { written: false, reason: this.closeReason }));
      return;
    }
    this.entries.push({ n, got: [], cb, written: this.connected });
    this.write(frame);
    if (this.watchdog === undefined && this.opts.replyTimeoutMs) this.armWatchdog(this.opts.replyTimeoutMs);
  }

  /**
   * One timer per connection, running only while commands wait (no cost per command): a period
   * that began and ended with commands waiting and saw no reply gives the connection up, so a
   * frozen node is noticed after one to two periods.
   */
  private armWatchdog(ms: number): void {
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.closed) return;
      if (this.head === this.entries.length) {
        this.repliesSeen = -1;
        return;
      }
      if (this.repliesSeen === this.replies) {
        const { host, port } = this.opts.node;
        this.destroy(`backend ${host}:${port} did not answer for ${ms} ms`);
        return;
      }
      this.repliesSeen = this.replies;
      this.armWatchdog(ms);
    }, ms);
    this.watchdog.unref();
  }

  /** Writes a frame nobody waits a reply for (SSUBSCRIBE on a pub/sub connection). */
  sendUnanswered(frame: Buffer): void {
    if (!this.closed) this.write(frame);
  }

  destroy(reason: string): void {
    this.closeReason = reason;
    this.socket.destroy();
  }

  private enqueueInternal(frame: Buffer): void {
    this.entries.push({
      n: 1, got: [], written: false,
      cb: (r) => {
        const err = r && errorText(r[0]!);
        if (err !== undefined) {
          // The node keeps the connection open (as the user it had before), so stop reading now.
          this.failed = true;
          this.destroy(`backend login failed: ${err}`);
        }
      },
    });
    this.outbox.push(frame);
  }

  private write(frame: Buffer): void {
    if (!this.connected) {
      this.outbox.push(frame);
      return;
    }
    // One write per turn of the event loop for all the commands of all the clients sharing this
    // connection (pipelining, and one TLS record instead of many). setImmediate, not nextTick:
    // nextTick runs after each I/O callback, so every client's read would still make its own
    // write (and syscall); the check phase comes once the loop has read every ready client.
    this.pendingWrites.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const out = this.pendingWrites;
    this.pendingWrites = [];
    if (!this.socket.destroyed && out.length > 0) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  };

  private onConnect(): void {
    this.connected = true;
    this.socket.setTimeout(0);
    for (let i = this.head; i < this.entries.length; i++) this.entries[i]!.written = true;
    const out = this.outbox;
    this.outbox = [];
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  private onData(chunk: Buffer): void {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      let end: number;
      try {
        end = frameEnd(buf, pos);
      } catch (e) {
        this.destroy((e as Error).message);
        return;
      }
      if (end < 0) break;
      const frame = buf.subarray(pos, end);
      pos = end;
      if (frame[0] === 0x3e || this.head === this.entries.length) {
        // A RESP3 push, or a frame with no command waiting for it (pub/sub messages in RESP2).
        if (this.opts.onPush) this.opts.onPush(frame);
        else if (frame[0] !== 0x3e) return this.destroy('backend sent a reply nothing asked for');
        continue;
      }
      if (this.failed) return; // a failed login: nothing after it may reach a command
      const e = this.entries[this.head]!;
      e.got.push(frame);
      this.replies++;
      if (e.got.length === e.n) {
        this.entries[this.head++] = undefined as unknown as Entry;
        if (this.head > 1024 && this.head * 2 > this.entries.length) {
          this.entries.splice(0, this.head);
          this.head = 0;
        }
        e.cb(e.got);
      }
    }
    if (pos < buf.length) {
      // Keep a copy: the rest of a large chunk must not pin the whole chunk's memory for long.
      this.rest = pos === 0 ? buf : Buffer.from(buf.subarray(pos));
    } else this.rest = undefined;
    buf = Buffer.alloc(0);
  }

  private onSocketClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    const waiting = this.entries.slice(this.head);
    this.entries.length = 0;
    this.head = 0;
    for (const e of waiting) e.cb(undefined, { written: e.written, reason: this.closeReason });
    this.opts.onClose?.(this);
  }
}
