/**
 * One replication link to a node, held the way a replica holds it: AUTH, `REPLCONF capa eof capa
 * psync2`, then `PSYNC <replid> <offset+1>` to resume after what was recorded, or `PSYNC ? -1` for
 * a full sync (the RDB comes first, as a stream the caller consumes), then the command stream.
 * With `rdbOnly` (`REPLCONF rdb-only 1`) the node sends the RDB of a full sync and closes: a base
 * whose replication offset is known exactly, which `SYNC` would not say.
 *
 * Like a replica it acknowledges (`REPLCONF ACK`) once a second and whenever the stream asks
 * (`REPLCONF GETACK`); a node only starts the stream of a diskless full sync after the first one.
 * What it acknowledges is the caller's choice (the archiver: the offset archived, not received).
 *
 * Backpressure: while the RDB's consumer or the caller (`pause`) wants no more, the socket is
 * paused; the node buffers meanwhile (its client-output-buffer-limit for replicas bounds that).
 * A link that hears nothing for `timeoutMs` while not paused fails (the node pings its replicas
 * every repl-ping-replica-period, 10 s by default).
 */
import type net from 'node:net';
import { Readable } from 'node:stream';
import type { NodeTarget } from '../types.js';
import { CommandFramer, type CommandSink } from './command-framer.js';
import { authCommand, encodeCommand, openRawConnection } from '../engine/raw-connection.js';
import { PsyncReader, type PsyncReply } from './psync-reader.js';

export interface LinkOptions {
  node: NodeTarget;
  localAddress?: string;
  /** Resume after the recorded stream: its replid and the offset of its last byte. Absent: a full sync. */
  resume?: { replid: string; offset: number };
  rdbOnly?: boolean;
  timeoutMs: number;
  /** The PSYNC reply, synchronously, before any command of the stream is handed over. */
  onReply?: (reply: LinkReply) => void;
  /** Each command of the stream. */
  onCommand?: CommandSink;
  /** The offset to acknowledge (default: the offset received). */
  ackOffset?: () => number;
  ackIntervalMs?: number;
}

const EARLY_ACK_MS = 50;

export type LinkReply = PsyncReply & { rdb?: Readable };

export class LinkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LinkError';
  }
}

export class ReplicationLink {
  /** The PSYNC reply; a full sync's carries the RDB as a stream. */
  readonly reply: Promise<LinkReply>;
  /** Settles when the link ends: undefined for an orderly end (close(), an rdb-only transfer), else why. */
  readonly closed: Promise<Error | undefined>;
  private readonly socket: net.Socket;
  private readonly reader: PsyncReader;
  private framer: CommandFramer | undefined;
  private rdb: Readable | undefined;
  private rdbWaiting = false;
  private rdbComplete = false;
  /** FULLRESYNC's offset: where the stream after the RDB starts. */
  private syncOffset = 0;
  private paused = false;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private earlyAckTimer: NodeJS.Timeout | undefined;
  private resolveReply!: (r: LinkReply) => void;
  private rejectReply!: (e: Error) => void;
  private resolveClosed!: (e: Error | undefined) => void;
  private readonly where: string;

  constructor(private readonly opts: LinkOptions) {
    this.where = `${opts.node.address}:${opts.node.port}`;
    this.reply = new Promise((res, rej) => { this.resolveReply = res; this.rejectReply = rej; });
    this.reply.catch(() => undefined); // also reported through `closed`
    this.closed = new Promise((res) => { this.resolveClosed = res; });
    const before = [
      authCommand(opts.node),
      encodeCommand(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']),
      opts.rdbOnly ? encodeCommand(['REPLCONF', 'rdb-only', '1']) : undefined,
    ].filter((c): c is Buffer => c !== undefined);
    this.reader = new PsyncReader(before.length);
    this.socket = openRawConnection(opts.node, opts.localAddress);
    this.socket.write(Buffer.concat(before));
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (e) => this.fail(new LinkError(`replication link to ${this.where} failed: ${e.message}`, { cause: e })));
    this.socket.on('close', () => this.fail(new LinkError(`node ${this.where} closed the replication link`)));
    this.arm();
  }

  /** Offset after the last complete command received. */
  get offset(): number | undefined {
    return this.framer?.offset;
  }

  /** Stops reading (the caller cannot keep up); the node buffers. */
  pause(): void {
    this.paused = true;
    this.socket.pause();
    clearTimeout(this.timer);
  }

  resume(): void {
    this.paused = false;
    this.flow();
  }

  /** Ends the link (orderly). */
  close(): void {
    this.end(undefined);
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    this.arm();
    try {
      if (this.reader.streaming) {
        this.framer!.push(chunk);
        return;
      }
      if (this.reader.repliesLeft > 0) {
        this.reader.push(chunk); // replies to AUTH/REPLCONF come alone: nothing else is pending
        if (this.reader.repliesLeft === 0) this.socket.write(this.psyncCommand());
        return;
      }
      const r = this.reader.push(chunk);
      if (r.reply) this.onReply(r.reply);
      for (const b of r.rdb) if (!this.rdb!.push(b)) this.rdbWaiting = true;
      if (r.rdbDone) this.onRdbDone();
      if (r.stream) this.framer?.push(r.stream);
      if (this.rdbWaiting) this.pauseForRdb();
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private psyncCommand(): Buffer {
    const r = this.opts.resume;
    return encodeCommand(r ? ['PSYNC', r.replid, String(r.offset + 1)] : ['PSYNC', '?', '-1']);
  }

  private onReply(reply: PsyncReply): void {
    if (reply.kind === 'continue') {
      if (!this.opts.resume) throw new LinkError(`node ${this.where} answered a full sync request with +CONTINUE`);
      this.opts.onReply?.(reply);
      this.startStream(this.opts.resume.offset);
      this.resolveReply(reply);
      return;
    }
    this.syncOffset = reply.offset;
    this.rdb = new Readable({
      highWaterMark: 1 << 20,
      read: () => {
        this.rdbWaiting = false;
        this.flow();
      },
      destroy: (err, cb) => {
        if (!this.rdbComplete) this.fail(new LinkError(`the RDB from ${this.where} was abandoned`, { cause: err }));
        cb(err);
      },
    });
    this.rdb.on('error', () => undefined); // its consumer hears it through its own listener
    const full = { ...reply, rdb: this.rdb };
    this.opts.onReply?.(full);
    this.resolveReply(full);
  }

  private onRdbDone(): void {
    this.rdbComplete = true;
    this.rdb!.push(null);
    if (this.opts.rdbOnly) {
      this.end(undefined);
      return;
    }
    this.startStream(this.syncOffset);
  }

  private startStream(offset: number): void {
    const sink = this.opts.onCommand ?? (() => undefined);
    this.framer = new CommandFramer(offset, (raw, name, end) => {
      sink(raw, name, end);
      if (name === 'replconf') this.ack(); // GETACK: answer at once
    });
    this.ack();
    this.ackTimer = setInterval(() => this.ack(), this.opts.ackIntervalMs ?? 1000);
    this.ackTimer.unref();
    // A node starts the stream of a diskless sync at the first ACK it gets once it has marked the
    // transfer done (replicaStartCommandStream), which may be after our first one: until the
    // stream flows (for 2 s at most: an idle node sends nothing), ack every 50 ms rather than once
    // a second, or the first second of writes would be stamped up to a second late.
    let early = 0;
    this.earlyAckTimer = setInterval(() => {
      if ((this.framer?.offset ?? offset) > offset || ++early > 2000 / EARLY_ACK_MS) clearInterval(this.earlyAckTimer);
      else this.ack();
    }, EARLY_ACK_MS);
    this.earlyAckTimer.unref();
  }

  private ack(): void {
    if (this.ended || !this.framer) return;
    const offset = this.opts.ackOffset?.() ?? this.framer.offset;
    this.socket.write(encodeCommand(['REPLCONF', 'ACK', String(offset)]));
  }

  private pauseForRdb(): void {
    this.socket.pause();
    clearTimeout(this.timer);
  }

  private flow(): void {
    if (this.ended || this.paused || this.rdbWaiting) return;
    this.socket.resume();
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.ended || this.socket.isPaused()) return;
    this.timer = setTimeout(() => {
      this.fail(new LinkError(`node ${this.where} sent nothing on the replication link for ${this.opts.timeoutMs} ms`));
    }, this.opts.timeoutMs);
    this.timer.unref();
  }

  private fail(e: Error): void {
    this.end(e);
  }

  private end(e: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    clearInterval(this.ackTimer);
    clearInterval(this.earlyAckTimer);
    this.socket.destroy();
    if (this.rdb && !this.rdbComplete) this.rdb.destroy(e ?? new LinkError(`the link to ${this.where} closed during the RDB`));
    this.rejectReply(e ?? new LinkError(`the link to ${this.where} closed before the PSYNC reply`));
    this.resolveClosed(e);
  }
}
