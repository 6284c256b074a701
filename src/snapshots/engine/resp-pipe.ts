/**
 * A pipelined RESP connection (a restore's SCAN of its loader, pipe-mover.ts): commands are
 * written as they come, many in flight, and every reply goes to the handler given with its
 * command, in order. Replies are parsed by redis-parser with `returnBuffers` (bulk strings are
 * length-prefixed slices, their bytes never scanned). The keys' own stream (PTTL/DUMP replies in,
 * RESTOREs out) goes through dump-reader.ts and target-stream.ts instead, which make nothing per key.
 */
import type net from 'node:net';
import { once } from 'node:events';
import RedisParser from 'redis-parser';
import type { NodeTarget } from '../types.js';
import { authCommand, encodeCommand, openRawConnection } from './raw-connection.js';

/** A reply: Buffer, number, null, an array of them; or the node's error reply as an Error. */
export type Reply = Buffer | number | null | Reply[] | Error;
export type ReplyHandler = (reply: Reply) => void;

export class RespPipe {
  private readonly handlers: ReplyHandler[] = [];
  private head = 0;
  private failure: Error | undefined;
  private readonly failed: Promise<never>;
  private reject!: (e: Error) => void;

  private constructor(private readonly socket: net.Socket, readonly where: string) {
    this.failed = new Promise<never>((_, rej) => { this.reject = rej; });
    this.failed.catch(() => undefined);
    const fail = (e: Error) => this.fail(e);
    const parser = new RedisParser({
      returnBuffers: true,
      returnReply: (reply: Reply) => this.next()(reply),
      returnError: (err: Error) => this.next()(err),
      returnFatalError: (err: Error) => fail(new Error(`${where} sent something that is not RESP: ${err.message}`)),
    });
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => parser.execute(d));
    socket.on('error', (e) => fail(new Error(`connection to ${where} failed: ${e.message}`, { cause: e })));
    socket.on('close', () => fail(new Error(`${where} closed the connection`)));
  }

  /** Connects to `node` (TLS and credentials as it asks: raw-connection.ts) and authenticates. */
  static async open(node: NodeTarget, what: string, localAddress?: string): Promise<RespPipe> {
    const socket = openRawConnection(node, localAddress);
    const pipe = new RespPipe(socket, what);
    const auth = authCommand(node);
    if (auth) await pipe.call(auth);
    else await pipe.call(encodeCommand(['PING']));
    return pipe;
  }

  /** Rejects when the connection fails (never resolves). */
  get broken(): Promise<never> {
    return this.failed;
  }

  /**
   * Writes encoded commands: `replies` of them (default 1), each reply handed to `handler` in
   * order. Returns false when the socket's buffer is full (see {@link drained}).
   */
  send(commands: Buffer, handler: ReplyHandler, replies = 1): boolean {
    if (this.failure) throw this.failure;
    for (let i = 0; i < replies; i++) this.handlers.push(handler);
    return this.socket.write(commands);
  }

  /** One command's reply; an error reply rejects. */
  call(command: Buffer): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.failed.catch(reject);
      this.send(command, (r) => (r instanceof Error ? reject(new Error(`${this.where}: ${r.message}`)) : resolve(r)));
    });
  }

  /** Replies still expected. */
  get pending(): number {
    return this.handlers.length - this.head;
  }

  /** Bytes written but not yet taken by the kernel. */
  get buffered(): number {
    return this.socket.writableLength;
  }

  /** Resolves once the socket's own buffer has drained (at once when it is not full). */
  async drained(): Promise<void> {
    if (!this.socket.writableNeedDrain) return;
    await Promise.race([once(this.socket, 'drain'), this.failed]);
  }

  close(): void {
    this.fail(new Error(`connection to ${this.where} closed`));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.reject(e);
    this.socket.destroy();
  }

  private next(): ReplyHandler {
    const h = this.handlers[this.head++];
    if (!h) {
      this.fail(new Error(`${this.where} sent a reply nobody asked for`));
      return () => undefined;
    }
    // Compact now and then: a consumed prefix is dropped without shifting per reply.
    if (this.head > 4096 && this.head * 2 > this.handlers.length) {
      this.handlers.splice(0, this.head);
      this.head = 0;
    }
    return h;
  }
}
