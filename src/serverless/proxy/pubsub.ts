/**
 * A client's subscriptions. ElastiCache Serverless serves classic pub/sub as sharded pub/sub:
 * SUBSCRIBE ch becomes SSUBSCRIBE ch on the primary owning ch's slot, PUBLISH becomes SPUBLISH, and
 * the node's `smessage` reaches the client as the `message` it subscribed to. One backend
 * connection per node holds the client's subscriptions there; when a slot moves (the node sends
 * `sunsubscribe` for a channel still wanted) or the connection is lost, the channel is
 * subscribed again where the refreshed map says it now lives.
 */
import { BackendConnection } from './backend.js';
import type { WorkerContext } from './context.js';
import { slotOf } from './commands.js';
import { bulk, decode, encodeCommand, integer, push, type Proto } from './resp.js';
import { nodeKey } from './slot-map.js';
import type { Login } from './backend.js';

export class Subscriptions {
  /** channel → sharded (SSUBSCRIBE) or classic (SUBSCRIBE); a channel can be both. */
  readonly classic = new Set<string>();
  readonly sharded = new Set<string>();
  private readonly conns = new Map<string, BackendConnection>();
  /** channel → node key it is subscribed on. */
  private readonly where = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly login: () => Login,
    private readonly proto: () => Proto,
    /** Writes a push in order with the client's replies. */
    private readonly deliver: (frame: Buffer) => void,
  ) {}

  get count(): number {
    return this.classic.size + this.sharded.size;
  }

  /** SUBSCRIBE / SSUBSCRIBE: the confirmations, one per channel. */
  subscribe(channels: Buffer[], sharded: boolean): Buffer {
    const set = sharded ? this.sharded : this.classic;
    const out: Buffer[] = [];
    for (const c of channels) {
      const ch = c.toString('latin1');
      if (!set.has(ch)) {
        set.add(ch);
        this.ensure(ch);
      }
      out.push(push([bulk(sharded ? 'ssubscribe' : 'subscribe'), bulk(c), integer(this.count)], this.proto()));
    }
    return Buffer.concat(out);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE (no channel: all of that kind). */
  unsubscribe(channels: Buffer[], sharded: boolean): Buffer {
    const set = sharded ? this.sharded : this.classic;
    const kind = sharded ? 'sunsubscribe' : 'unsubscribe';
    const names = channels.length > 0 ? channels.map((c) => c.toString('latin1')) : [...set];
    if (names.length === 0) return push([bulk(kind), bulk(null, this.proto()), integer(this.count)], this.proto());
    const out: Buffer[] = [];
    for (const ch of names) {
      set.delete(ch);
      if (!this.classic.has(ch) && !this.sharded.has(ch)) this.drop(ch);
      out.push(push([bulk(kind), bulk(Buffer.from(ch, 'latin1')), integer(this.count)], this.proto()));
    }
    return Buffer.concat(out);
  }

  close(): void {
    this.closed = true;
    for (const c of this.conns.values()) c.destroy('client gone');
    this.conns.clear();
  }

  private ensure(ch: string): void {
    if (this.closed || this.where.has(ch)) return;
    const node = this.ctx.router.primaryOf(slotOf(Buffer.from(ch, 'latin1')));
    if (!node) {
      void this.ctx.topology.refresh().then(() => setTimeout(() => this.ensure(ch), this.ctx.tuning.retryDelayMs));
      return;
    }
    const key = nodeKey(node);
    let conn = this.conns.get(key);
    if (!conn || conn.closed) {
      conn = new BackendConnection({
        node, login: this.login(), proto: 2, readonly: false, connectTimeoutMs: this.ctx.tuning.connectTimeoutMs,
        ...this.ctx.router.connectOptions,
        onPush: (f) => this.onFrame(f),
        onClose: (c) => this.onLost(key, c),
      });
      this.conns.set(key, conn);
    }
    this.where.set(ch, key);
    conn.sendUnanswered(encodeCommand(['SSUBSCRIBE', Buffer.from(ch, 'latin1')]));
  }

  private drop(ch: string): void {
    const key = this.where.get(ch);
    this.where.delete(ch);
    if (key) this.conns.get(key)?.sendUnanswered(encodeCommand(['SUNSUBSCRIBE', Buffer.from(ch, 'latin1')]));
  }

  private onFrame(frame: Buffer): void {
    const v = decode(frame).value;
    if (!Array.isArray(v) || v.length < 3) return;
    const kind = String(v[0]);
    const ch = Buffer.isBuffer(v[1]) ? v[1].toString('latin1') : String(v[1]);
    if (kind === 'smessage') {
      const payload = v[2] as Buffer;
      const p = this.proto();
      if (this.classic.has(ch)) this.deliver(push([bulk('message'), bulk(v[1] as Buffer), bulk(payload)], p));
      if (this.sharded.has(ch)) this.deliver(push([bulk('smessage'), bulk(v[1] as Buffer), bulk(payload)], p));
    } else if (kind === 'sunsubscribe' && (this.classic.has(ch) || this.sharded.has(ch)) && this.where.has(ch)) {
      // The node let go of the channel while we still want it: its slot moved.
      this.where.delete(ch);
      this.resubscribe([ch]);
    }
  }

  private onLost(key: string, c: BackendConnection): void {
    if (this.conns.get(key) === c) this.conns.delete(key);
    if (this.closed) return;
    const lost = [...this.where].filter(([, k]) => k === key).map(([ch]) => ch);
    for (const ch of lost) this.where.delete(ch);
    this.resubscribe(lost);
  }

  private resubscribe(channels: string[]): void {
    if (channels.length === 0) return;
    setTimeout(() => {
      void this.ctx.topology.refresh().then(() => {
        for (const ch of channels) if (this.classic.has(ch) || this.sharded.has(ch)) this.ensure(ch);
      });
    }, this.ctx.tuning.retryDelayMs);
  }
}
