/**
 * A client's MULTI … EXEC and WATCH through the endpoint (session.ts owns one per client).
 * Commands between MULTI and EXEC are queued in the proxy (answered QUEUED), every key in one
 * slot as ElastiCache requires, and leave with EXEC as one write on one connection. A WATCH holds
 * a connection of the client's own, on the node that accepted it, until EXEC, DISCARD or UNWATCH.
 */
import type { BackendConnection, Login } from './backend.js';
import type { Pending } from './client.js';
import { CROSSSLOT, REFUSED, routing, unknownCommand } from './commands.js';
import type { WorkerContext } from './context.js';
import { encodeCommand, error, errorText, OK, QUEUED, type Proto } from './resp.js';
import type { Job } from './router.js';
import { nodeKey, type NodeAddress } from './slot-map.js';

/** EXEC's answer when the transaction was not run (a watched key changed): RESP2, RESP3. */
const NULL_ARRAY = Buffer.from('*-1\r\n');
const NULL3 = Buffer.from('_\r\n');

interface Transaction {
  frames: Buffer[];
  slot: number;
  /** The error that makes EXEC answer EXECABORT. */
  abort?: string;
  bytesIn: number;
}

/** What a transaction needs of its client session. */
export interface TransactionHost {
  readonly ctx: WorkerContext;
  readonly id: number;
  readonly login: Login | undefined;
  readonly proto: Proto;
  reserve(): Pending;
  finish(p: Pending, data: Buffer, bytesIn: number, kind: 'read' | 'write' | 'other', t0: number): void;
  answer(data: Buffer, bytesIn: number): void;
  forward(name: string, args: Buffer[], frame: Buffer, t0: number, dedicated?: Map<string, BackendConnection>, slot?: number,
    answered?: (job: Job, reply: Buffer) => void): void;
}

export class Transactions {
  private multi: Transaction | undefined;
  private watchSlot: number | undefined;
  /** The node that accepted the client's WATCH (its connection in watchConns). */
  private watchNode: NodeAddress | undefined;
  /** The client's own connections holding its WATCH. */
  private readonly watchConns = new Map<string, BackendConnection>();

  constructor(private readonly s: TransactionHost) {}

  get inMulti(): boolean {
    return this.multi !== undefined;
  }

  begin(bytesIn: number): void {
    this.multi = { frames: [encodeCommand(['MULTI'])], slot: this.watchSlot ?? -1, bytesIn };
    this.s.answer(OK, bytesIn);
  }

  discard(bytesIn: number): void {
    if (!this.multi) return this.s.answer(error('ERR DISCARD without MULTI'), bytesIn);
    this.multi = undefined;
    this.unwatch();
    this.s.answer(OK, bytesIn);
  }

  /** RESET, or the client gone: no transaction, no WATCH. */
  reset(): void {
    this.multi = undefined;
    this.unwatch();
  }

  /** A command between MULTI and EXEC: QUEUED, or the error EXEC will answer EXECABORT for. */
  queue(name: string, args: Buffer[], frame: Buffer): void {
    const m = this.multi!;
    m.bytesIn += frame.length;
    if (REFUSED.has(name) || name === 'subscribe' || name === 'ssubscribe') {
      m.abort ??= unknownCommand(name, args);
      return this.s.answer(error(m.abort), frame.length);
    }
    if (name === 'publish') frame = encodeCommand([Buffer.from('SPUBLISH'), ...args.slice(1)]);
    const r = routing(name === 'publish' ? 'spublish' : name, args);
    if (r.slot === 'crossslot' || (r.slot >= 0 && m.slot >= 0 && r.slot !== m.slot)) {
      // As ElastiCache: every key of a transaction in one slot.
      m.abort ??= CROSSSLOT;
      return this.s.answer(error(CROSSSLOT), frame.length);
    }
    if (r.slot >= 0) m.slot = r.slot;
    m.frames.push(frame);
    this.s.answer(QUEUED, frame.length);
  }

  /**
   * MULTI … EXEC leave together, as one write on one connection: the node runs them atomically
   * whatever other clients' commands share that connection. Only EXEC's reply reaches the client
   * (it already had OK and QUEUED from the proxy).
   */
  exec(bytesIn: number, t0: number): void {
    const m = this.multi;
    this.multi = undefined;
    if (!m) return this.s.answer(error('ERR EXEC without MULTI'), bytesIn);
    const watching = this.watchSlot !== undefined;
    this.watchSlot = undefined;
    if (m.abort) {
      if (watching) this.unwatch();
      return this.s.answer(error('EXECABORT Transaction discarded because of previous errors.'), bytesIn);
    }
    const frame = Buffer.concat([...m.frames, encodeCommand(['EXEC'])]);
    const p = this.s.reserve();
    const aborted = () => {
      this.unwatch();
      this.s.finish(p, this.s.proto === 3 ? NULL3 : NULL_ARRAY, m.bytesIn + bytesIn, 'write', t0);
    };
    let pinned: Pick<Job, 'target' | 'onAbort'> = {};
    if (watching) {
      // The WATCH holds on the node that accepted it only: the transaction runs there or not at
      // all. Its connection gone, or the slot moved away (MIGRATE removed the watched keys from that
      // node: it redirects), the transaction is not run, as Redis answers when a watched key
      // changed. Never re-sent elsewhere without the WATCH.
      const node = this.watchNode;
      const held = node && this.watchConns.get(nodeKey(node));
      if (!node || !held || held.closed) return aborted();
      pinned = { target: node, onAbort: aborted };
    }
    this.s.ctx.router.run({
      frame, n: m.frames.length + 1, slot: m.slot, replica: false, retrySafe: false,
      login: this.s.login!, proto: this.s.proto, lane: this.s.id,
      ...(watching ? { dedicated: this.watchConns } : {}),
      ...pinned,
      cb: (replies) => this.s.finish(p, replies[replies.length - 1]!, m.bytesIn + bytesIn, 'write', t0),
    });
  }

  /** WATCH holds a connection of the client's own until EXEC, DISCARD or UNWATCH. */
  watch(name: string, args: Buffer[], frame: Buffer, t0: number): void {
    if (this.multi) return this.s.answer(error('ERR WATCH inside MULTI is not allowed'), frame.length);
    const r = routing(name, args);
    if (r.slot === 'crossslot' || (this.watchSlot !== undefined && r.slot !== this.watchSlot)) {
      return this.s.answer(error(CROSSSLOT), frame.length);
    }
    this.watchSlot = r.slot as number;
    this.s.forward(name, args, frame, t0, this.watchConns, undefined, (job, reply) => {
      if (errorText(reply) === undefined) this.watchNode = job.ranOn;
    });
  }

  unwatch(): void {
    this.watchSlot = undefined;
    this.watchNode = undefined;
    for (const c of this.watchConns.values()) c.destroy('unwatch');
    this.watchConns.clear();
  }
}
