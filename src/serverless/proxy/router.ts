/**
 * Sends a client's command to the node that owns its slot, over pooled pipelined connections,
 * and follows what the cluster answers instead of executing it: MOVED (to the new owner, and the
 * map is refreshed), ASK (ASKING, then the command, on the importing node), TRYAGAIN, CLUSTERDOWN,
 * LOADING and READONLY (a primary turned replica by a failover), each retried until a deadline.
 * Those replies mean the command did not run, so retrying is safe. A connection lost after the
 * command was written (a node killed, or given up as frozen after Tuning.replyTimeoutMs) is
 * retried only for a command applied twice with the same data and reply (retrySafe: reads, plain
 * SET, MSET…); any other write gets an error, since it may have run.
 */
import { BackendConnection, type Login } from './backend.js';
import { encodeCommand, error, errorText, type Proto } from './resp.js';
import { nodeKey, type NodeAddress } from './slot-map.js';
import type { Topology } from './topology.js';

export interface RouterOptions {
  tlsCa?: string;
  connectTimeoutMs: number;
  /** See Tuning.replyTimeoutMs (pooled connections only). */
  replyTimeoutMs: number;
  /** See ServerlessProxyConfig.backend.sourceAddress. */
  localAddress?: string;
  /** Pooled connections per node, login, protocol and role, per worker. */
  poolSize: number;
  /** How long a command may wait through redirections, failovers and reconnects. */
  retryDeadlineMs: number;
  retryDelayMs: number;
}

export interface Job {
  frame: Buffer;
  /** Commands in `frame` (a transaction is MULTI … EXEC): replies expected. */
  n: number;
  /** The keys' slot, -1 when keyless. */
  slot: number;
  /** Served by a replica when the shard has one (reads on the reader port). */
  replica: boolean;
  /** May be sent again even after it was written (it does not write). */
  retrySafe: boolean;
  login: Login;
  proto: Proto;
  /** Picks the pooled connection: a client's commands to one node keep to one connection, in order. */
  lane: number;
  /** A client's own connections (blocking commands), node key → connection, instead of the pool. */
  dedicated?: Map<string, BackendConnection>;
  cb: (replies: Buffer[]) => void;
  /**
   * A WATCHed transaction: it runs on the connection holding the WATCH or not at all. Instead of
   * following a redirection, or retrying a send the lost connection never wrote, the router calls
   * this (the client gets EXEC's nil, as when a watched key changed).
   */
  onAbort?: () => void;
  /** Set by the router. */
  deadline?: number;
  /** The node the job was last sent to (where a WATCH holds, once it answered). */
  ranOn?: NodeAddress;
  target?: NodeAddress;
  ask?: boolean;
}

const ASKING = encodeCommand(['ASKING']);
const RETRYABLE = /^(TRYAGAIN|CLUSTERDOWN|LOADING|READONLY|MASTERDOWN)\b/;

export class Router {
  /** login → protocol and role → node → the pooled connections. Logins are interned (loginOf). */
  private readonly pools = new Map<Login, Map<number, Map<string, BackendConnection[]>>>();

  constructor(private opts: RouterOptions, private readonly topology: Topology) {}

  /** Options every backend connection of this worker shares (TLS CA, the address to connect from). */
  get connectOptions(): { tlsCa?: string; localAddress?: string } {
    return { ...(this.opts.tlsCa ? { tlsCa: this.opts.tlsCa } : {}), ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}) };
  }

  update(opts: RouterOptions): void {
    this.opts = opts;
  }

  run(job: Job): void {
    job.deadline ??= Date.now() + this.opts.retryDeadlineMs;
    const node = job.target ?? this.pick(job);
    if (!node) {
      if (Date.now() > job.deadline) return job.cb(fail(job, 'CLUSTERDOWN The cluster is down'));
      void this.topology.refresh().then(() => this.later(job));
      return;
    }
    const conn = this.connection(job, node);
    if (job.ask) {
      job.ask = false;
      conn.send(ASKING, 1, () => {});
    }
    job.ranOn = node;
    conn.send(job.frame, job.n, (replies, lost) => {
      if (job.onAbort && (!replies ? !lost!.written : redirection(replies) !== undefined)) return job.onAbort();
      if (!replies) {
        if (lost!.written && !job.retrySafe) {
          return job.cb(fail(job, `ERR the connection to the cache was lost while the command ran; it may have been executed (${lost!.reason})`));
        }
        if (Date.now() > job.deadline!) return job.cb(fail(job, `CLUSTERDOWN the cache did not answer (${lost!.reason})`));
        job.target = undefined;
        void this.topology.refresh();
        return this.later(job);
      }
      const redirect = redirection(replies);
      if (!redirect) return job.cb(replies);
      const [code, , addr] = redirect.split(' ');
      if (Date.now() > job.deadline!) {
        // Never a redirection to the client: it would name a node behind the endpoint (which a
        // cluster client would then try to reach). The command did not run.
        if (code === 'MOVED' || code === 'ASK') {
          return job.cb(fail(job, `TRYAGAIN this key's slot is moving between the cache's shards and was not served within ${this.opts.retryDeadlineMs} ms; the command was not run`));
        }
        return job.cb(replies);
      }
      if (code === 'MOVED' || code === 'ASK') {
        const i = addr!.lastIndexOf(':');
        job.target = { host: addr!.slice(0, i), port: Number(addr!.slice(i + 1)) };
        if (code === 'MOVED') {
          void this.topology.refresh();
          return this.run(job);
        }
        // ASK for a transaction would need ASKING before each queued command: wait for the
        // migration of the slot to end (then MOVED) instead.
        if (job.n > 1) {
          job.target = undefined;
          return this.later(job);
        }
        job.ask = true;
        return this.run(job);
      }
      job.target = undefined;
      if (code === 'CLUSTERDOWN' || code === 'READONLY') void this.topology.refresh();
      this.later(job);
    });
  }

  /** Closes pooled connections (config change of login or TLS, or exit). */
  closeAll(): void {
    for (const byLogin of this.pools.values()) {
      for (const byNode of byLogin.values()) for (const conns of byNode.values()) for (const c of conns) c?.destroy('closing');
    }
    this.pools.clear();
  }

  /** The primary owning `slot` now, if known. */
  primaryOf(slot: number): NodeAddress | undefined {
    return this.topology.map?.shardOf(slot)?.primary;
  }

  private later(job: Job): void {
    setTimeout(() => this.run(job), this.opts.retryDelayMs);
  }

  private pick(job: Job): NodeAddress | undefined {
    const map = this.topology.map;
    if (!map || map.shards.length === 0) return undefined;
    if (job.slot < 0) return map.shards[job.lane % map.shards.length]!.primary;
    const shard = map.shardOf(job.slot);
    if (!shard) return undefined;
    if (job.replica && shard.replicas.length > 0) return shard.replicas[job.lane % shard.replicas.length];
    return shard.primary;
  }

  private connection(job: Job, node: NodeAddress): BackendConnection {
    const readonly = job.replica && !this.isPrimary(node);
    const create = (onClose: (c: BackendConnection) => void) => new BackendConnection({
      node, login: job.login, proto: job.proto, readonly, connectTimeoutMs: this.opts.connectTimeoutMs,
      // A client's own connection may wait as long as its BLPOP asked; pooled ones give a frozen node up.
      ...(job.dedicated ? {} : { replyTimeoutMs: this.opts.replyTimeoutMs }),
      ...this.connectOptions, onClose,
    });
    if (job.dedicated) {
      const key = nodeKey(node);
      let c = job.dedicated.get(key);
      if (!c || c.closed) {
        const d = job.dedicated;
        c = create((x) => { if (d.get(key) === x) d.delete(key); });
        d.set(key, c);
      }
      return c;
    }
    // Looked up on every command: maps keyed by objects and numbers, no string built.
    let byLogin = this.pools.get(job.login);
    if (!byLogin) this.pools.set(job.login, (byLogin = new Map()));
    const kind = job.proto * 2 + (readonly ? 1 : 0);
    let byNode = byLogin.get(kind);
    if (!byNode) byLogin.set(kind, (byNode = new Map()));
    const key = nodeKey(node);
    let conns = byNode.get(key);
    if (!conns) byNode.set(key, (conns = []));
    const i = job.lane % this.opts.poolSize;
    let c = conns[i];
    if (!c || c.closed) {
      const list = conns;
      c = create((x) => { if (list[i] === x) list[i] = undefined as unknown as BackendConnection; });
      conns[i] = c;
    }
    return c;
  }

  private isPrimary(node: NodeAddress): boolean {
    const k = nodeKey(node);
    return !!this.topology.map?.shards.some((s) => nodeKey(s.primary) === k);
  }
}

/** The redirection or not-executed error among `replies`, if the command(s) did not run. */
export function redirection(replies: Buffer[]): string | undefined {
  if (replies.length === 1) {
    const e = errorText(replies[0]!);
    return e !== undefined && (e.startsWith('MOVED ') || e.startsWith('ASK ') || RETRYABLE.test(e)) ? e : undefined;
  }
  // A transaction: a queued command redirected makes EXEC fail with EXECABORT; nothing ran.
  const last = errorText(replies[replies.length - 1]!);
  if (last === undefined || !last.startsWith('EXECABORT')) return undefined;
  for (const r of replies.slice(1, -1)) {
    const e = errorText(r);
    if (e !== undefined && (e.startsWith('MOVED ') || e.startsWith('ASK ') || RETRYABLE.test(e))) return e;
  }
  const first = errorText(replies[0]!);
  return first !== undefined && RETRYABLE.test(first) ? first : undefined;
}

function fail(job: Job, msg: string): Buffer[] {
  return Array.from({ length: job.n }, () => error(msg));
}
