/**
 * Keeps the backing cluster's slot map: fetched with CLUSTER SLOTS over the service's admin login,
 * from the configured seeds and every node seen since, refreshed periodically and on demand
 * (after MOVED, a lost node…), at most once per `minIntervalMs`.
 */
import { BackendConnection, type Login } from './backend.js';
import { decode, encodeCommand } from './resp.js';
import { SlotMap, nodeKey, type ClusterSlotsEntry, type NodeAddress } from './slot-map.js';

export interface TopologyOptions {
  seeds: NodeAddress[];
  admin: Login;
  tlsCa?: string;
  /** See ServerlessProxyConfig.backend.sourceAddress. */
  localAddress?: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  refreshMs: number;
  minIntervalMs: number;
  log: (level: string, msg: string, extra?: Record<string, unknown>) => void;
}

const CLUSTER_SLOTS = encodeCommand(['CLUSTER', 'SLOTS']);

export class Topology {
  map: SlotMap | undefined;
  /** Increases with each map that differs from the one before. */
  version = 0;
  private readonly admin = new Map<string, BackendConnection>();
  private inflight: Promise<void> | undefined;
  private lastRefresh = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(private opts: TopologyOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs);
    this.timer.unref();
    void this.refresh();
  }

  update(opts: TopologyOptions): void {
    const loginChanged = opts.admin.key !== this.opts.admin.key || opts.tlsCa !== this.opts.tlsCa;
    this.opts = opts;
    if (loginChanged) this.closeAdmin();
  }

  stop(): void {
    clearInterval(this.timer);
    this.closeAdmin();
  }

  /** Resolves once the refresh in flight, or a new one, has finished. */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const wait = Math.max(0, this.lastRefresh + this.opts.minIntervalMs - Date.now());
    this.inflight = new Promise<void>((r) => setTimeout(r, wait))
      .then(() => this.fetch())
      .finally(() => {
        this.lastRefresh = Date.now();
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** Resolves when a map is known (or `timeoutMs` passed). */
  ready(timeoutMs: number): Promise<boolean> {
    if (this.map) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(!!this.map), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private async fetch(): Promise<void> {
    const candidates = dedupe([...(this.map?.shards.map((s) => s.primary) ?? []), ...this.opts.seeds, ...(this.map?.nodes() ?? [])]);
    let partial: SlotMap | undefined;
    for (const node of candidates) {
      const reply = await this.query(node).catch(() => undefined);
      if (!reply) continue;
      const map = SlotMap.fromClusterSlots(reply);
      if (map.uncovered === 0) return this.adopt(map);
      if (!partial || map.uncovered < partial.uncovered) partial = map;
    }
    // Never act on a partial view when a full one was known (STYLE 5): a node that lost its view
    // does not replace a good map; with no map at all, a partial one beats none.
    if (partial && !this.map) this.adopt(partial);
  }

  private adopt(map: SlotMap): void {
    if (!this.map || this.map.signature() !== map.signature()) {
      this.version++;
      this.opts.log('info', 'slot map', { shards: map.shards.map((s) => nodeKey(s.primary)), version: this.version });
    }
    this.map = map;
    for (const w of this.waiters.splice(0)) w();
  }

  private query(node: NodeAddress): Promise<ClusterSlotsEntry[]> {
    const key = nodeKey(node);
    let conn = this.admin.get(key);
    if (!conn || conn.closed) {
      conn = new BackendConnection({
        node, login: this.opts.admin, proto: 2, readonly: false, connectTimeoutMs: this.opts.connectTimeoutMs,
        ...(this.opts.tlsCa ? { tlsCa: this.opts.tlsCa } : {}),
        ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
        onClose: (c) => { if (this.admin.get(key) === c) this.admin.delete(key); },
      });
      this.admin.set(key, conn);
    }
    const c = conn;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        c.destroy('topology query timeout');
        reject(new Error('timeout'));
      }, this.opts.queryTimeoutMs);
      c.send(CLUSTER_SLOTS, 1, (replies, lost) => {
        clearTimeout(t);
        if (!replies) return reject(new Error(lost?.reason));
        const v = decode(replies[0]!).value;
        if (!Array.isArray(v)) return reject(new Error(String(v)));
        resolve(v.map((e) => (Array.isArray(e) ? e.map((x) => (Array.isArray(x) ? x.map((y) => (Buffer.isBuffer(y) ? y.toString() : y)) : x)) : e)) as unknown as ClusterSlotsEntry[]);
      });
    });
  }

  private closeAdmin(): void {
    for (const c of this.admin.values()) c.destroy('closing');
    this.admin.clear();
  }
}

function dedupe(nodes: NodeAddress[]): NodeAddress[] {
  const seen = new Set<string>();
  return nodes.filter((n) => !seen.has(nodeKey(n)) && seen.add(nodeKey(n)));
}
