/**
 * One client connection: commands parsed by redis-parser, answered in the order they came
 * whichever backend connection (or the proxy itself) answers each, metered, throttled.
 * Local answers (HELLO, AUTH, CLIENT, CLUSTER…) are in local-commands.ts, cluster-wide commands in
 * fan-out.ts, subscriptions in pubsub.ts, MULTI/EXEC and WATCH in transaction.ts; this file holds
 * the per-client state and the dispatch.
 */
import type net from 'node:net';
import RedisParser from 'redis-parser';
import type { BackendConnection, Login } from './backend.js';
import type { ClientSession, Pending } from './client.js';
import { CROSSSLOT, REFUSED, routing, unknownCommand } from './commands.js';
import type { WorkerContext } from './context.js';
import { fanOut, fansOut } from './fan-out.js';
import { localCommand } from './local-commands.js';
import { ecpuOf, meter } from './metering.js';
import { Subscriptions } from './pubsub.js';
import { Transactions } from './transaction.js';
import { encodeCommand, error, OK, type Proto } from './resp.js';
import type { Job } from './router.js';

/** Allowed while a RESP2 client is subscribed (Redis's own rule). */
const SUBSCRIBED_OK = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);
const IN_MULTI_LOCAL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export class Session implements ClientSession {
  readonly id: number;
  readonly connectedAt = Date.now();
  proto: Proto = 2;
  login: Login | undefined;
  name: Buffer | undefined;
  private readonly queue: Pending[] = [];
  private head = 0;
  private readonly parser: RedisParser;
  /** Commands waiting for ECPUs (throttling), with when each arrived. */
  private inbox: { args: Buffer[]; at: number }[] = [];
  private paused = false;
  /** MULTI … EXEC and WATCH (transaction.ts). */
  private readonly tx: Transactions;
  /** Connections of this client alone: blocking commands, WATCH. */
  readonly dedicated = new Map<string, BackendConnection>();
  readonly subs: Subscriptions;
  private closing = false;
  private closed = false;
  private out: Buffer[] = [];
  private flushScheduled = false;

  constructor(
    readonly ctx: WorkerContext,
    readonly socket: net.Socket,
    /** The listener's port: the endpoint's (writes) or the reader endpoint's. */
    readonly localPort: number,
  ) {
    this.id = ctx.nextClientId();
    this.login = ctx.defaultLogin;
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (v: unknown) => this.onCommand(v),
      returnError: () => this.protocolError(),
      returnFatalError: () => this.protocolError(),
    });
    this.tx = new Transactions(this);
    this.subs = new Subscriptions(ctx, () => this.login!, () => this.proto, (f) => this.complete(this.reserve(), f));
    socket.on('data', (chunk: Buffer) => this.parser.execute(chunk));
    socket.on('close', () => this.close());
    socket.on('error', () => {});
  }

  get reader(): boolean {
    return this.localPort === this.ctx.endpoint.readerPort;
  }

  /** Appends a reply slot: replies leave in the order their commands came. */
  reserve(): Pending {
    const p: Pending = { data: undefined };
    this.queue.push(p);
    return p;
  }

  complete(p: Pending, data: Buffer): void {
    p.data = data;
    if (this.queue[this.head] !== p) return;
    while (this.head < this.queue.length && this.queue[this.head]!.data !== undefined) {
      this.out.push(this.queue[this.head]!.data!);
      this.queue[this.head++] = undefined as unknown as Pending;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    // Replies leave in one write per turn of the event loop: on TLS each write is a record, and
    // many small ones cost more than the encryption of their bytes (the profile's top entry).
    // setImmediate: the replies of every backend connection read in this turn leave together
    // (nextTick would write after each backend read).
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const out = this.out;
    this.out = [];
    if (!this.socket.destroyed && out.length > 0) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (this.closing && this.queue.length === 0) this.socket.end();
  };

  /** Completes `p` and meters the command (ECPUs, latency, throttling bucket). */
  finish(p: Pending, data: Buffer, bytesIn: number, kind: 'read' | 'write' | 'other', t0: number): void {
    meter(this.ctx.counters, bytesIn, data.length, kind, (performance.now() - t0) * 1000);
    // The command was charged its request's ECPUs when admitted; now the reply's share.
    this.ctx.bucket?.charge(ecpuOf(bytesIn, data.length) - ecpuOf(bytesIn, 0));
    this.complete(p, data);
  }

  /** A reply made by the proxy, metered as a command. */
  answer(data: Buffer, bytesIn: number): void {
    this.finish(this.reserve(), data, bytesIn, 'other', performance.now());
  }

  quit(): void {
    this.closing = true;
    if (!this.flushScheduled && this.queue.length === 0) this.socket.end();
  }

  reset(): void {
    this.tx.reset();
    this.subs.unsubscribe([], false);
    this.subs.unsubscribe([], true);
    this.proto = 2;
    this.name = undefined;
    this.login = this.ctx.defaultLogin;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.subs.close();
    for (const c of this.dedicated.values()) c.destroy('client gone');
    this.dedicated.clear();
    this.tx.reset();
    this.socket.destroy();
  }

  private protocolError(): void {
    this.socket.end(error('ERR Protocol error: expected RESP multibulk'));
  }

  private onCommand(v: unknown): void {
    if (!Array.isArray(v) || v.length === 0) return;
    // A command is an array of bulk strings; anything else (integers, nested arrays) is malformed.
    if (!v.every((a) => Buffer.isBuffer(a))) return this.protocolError();
    const args = v as Buffer[];
    if (this.paused || this.inbox.length > 0) {
      this.inbox.push({ args, at: performance.now() });
      return;
    }
    this.exec(args, performance.now());
  }

  private drain(): void {
    while (!this.paused && this.inbox.length > 0) {
      const { args, at } = this.inbox.shift()!;
      this.exec(args, at);
    }
  }

  /**
   * True when the command may run now. Otherwise (the worker's ECPU bucket is empty) it waits,
   * with every command after it, or, once it has waited throttleMaxDelayMs since it arrived, is
   * refused and counted as throttled.
   */
  private admit(args: Buffer[], arrived: number): boolean {
    const bucket = this.ctx.bucket;
    if (!bucket) return true;
    const wait = bucket.waitMs();
    if (wait === 0) return true;
    if (performance.now() + wait - arrived > this.ctx.tuning.throttleMaxDelayMs) {
      this.ctx.counters.throttledCommands++;
      this.complete(this.reserve(), error('ERR Throttled: the cache is at its ECPUPerSecond maximum'));
      return false;
    }
    this.paused = true;
    this.inbox.unshift({ args, at: arrived });
    setTimeout(() => {
      this.paused = false;
      this.drain();
    }, wait);
    return false;
  }

  private exec(args: Buffer[], arrived: number): void {
    try {
      this.run(args, arrived);
    } catch (e) {
      // One client's unexpected input must not take the worker (and its other clients) down.
      this.ctx.log('error', 'command failed in the proxy', { error: (e as Error).stack });
      this.complete(this.reserve(), error('ERR internal error in the endpoint'));
    }
  }

  private run(args: Buffer[], arrived: number): void {
    if (!this.admit(args, arrived)) return;
    const t0 = arrived;
    const name = args[0]!.toString('latin1').toLowerCase();
    const frame = encodeCommand(args);
    const bytesIn = frame.length;
    this.ctx.bucket?.charge(ecpuOf(bytesIn, 0));
    if (!this.login && name !== 'auth' && name !== 'hello' && name !== 'quit' && name !== 'reset') {
      return this.answer(error('NOAUTH Authentication required.'), bytesIn);
    }
    if (args.length - 1 > this.ctx.maxArguments) {
      return this.answer(error(`ERR too many arguments: at most ${this.ctx.maxArguments} are accepted`), bytesIn);
    }
    if (this.proto === 2 && this.subs.count > 0 && !SUBSCRIBED_OK.has(name)) {
      return this.answer(error(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`), bytesIn);
    }
    if (this.tx.inMulti && !IN_MULTI_LOCAL.has(name)) return this.tx.queue(name, args, frame);
    if (localCommand(this, name, args, bytesIn)) return;
    if (name === 'cluster') {
      // COUNTKEYSINSLOT / GETKEYSINSLOT: to the node owning the slot asked about.
      const slot = Number(args[2]?.toString());
      if (!Number.isInteger(slot) || slot < 0 || slot > 16383) return this.answer(error('ERR Invalid or out of range slot'), bytesIn);
      return this.forward(name, args, frame, t0, undefined, slot);
    }
    if (REFUSED.has(name)) return this.answer(error(unknownCommand(name, args)), bytesIn);
    if (fansOut(name, args)) return fanOut(this, name, args, bytesIn, t0);
    switch (name) {
      case 'multi': return this.tx.begin(bytesIn);
      case 'exec': return this.tx.exec(bytesIn, t0);
      case 'discard': return this.tx.discard(bytesIn);
      case 'watch': return this.tx.watch(name, args, frame, t0);
      case 'unwatch':
        this.tx.unwatch();
        return this.answer(OK, bytesIn);
      case 'publish':
        args = [Buffer.from('SPUBLISH'), ...args.slice(1)];
        return this.forward('spublish', args, encodeCommand(args), t0);
    }
    this.forward(name, args, frame, t0);
  }

  /** Sends the command to its slot's node (or any primary when keyless) and queues its reply. */
  forward(name: string, args: Buffer[], frame: Buffer, t0: number, dedicated?: Map<string, BackendConnection>, slot?: number,
    answered?: (job: Job, reply: Buffer) => void): void {
    const r = routing(name, args);
    if (slot !== undefined) r.slot = slot;
    if (r.slot === 'crossslot') return this.answer(error(CROSSSLOT), frame.length);
    const p = this.reserve();
    const kind = r.readonly ? 'read' : r.write ? 'write' : 'other';
    const job: Job = {
      frame, n: 1, slot: r.slot, replica: this.reader && r.readonly, retrySafe: r.idempotent,
      login: this.login!, proto: this.proto, lane: this.id,
      ...(r.blocking || name === 'wait' ? { dedicated: this.dedicated } : dedicated ? { dedicated } : {}),
      cb: (replies) => {
        answered?.(job, replies[0]!);
        this.finish(p, replies[0]!, frame.length, kind, t0);
      },
    };
    this.ctx.router.run(job);
  }
}
