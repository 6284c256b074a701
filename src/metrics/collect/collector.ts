/**
 * The collector: its own loop, apart from the reconciler's, reads every node once a period
 * (INFO all over the node's existing admin connection, its process from /proc, the host's memory),
 * derives ElastiCache's metrics, puts them in the store and hands them to listeners (alarms,
 * Prometheus). Reads run a few at a time (`concurrency`), each bounded by the admin connection's
 * command timeout, and nothing here is awaited by a reconcile pass or a failover. It keeps no state
 * that a control-plane restart would need: the first collection after a start gives gauges, the
 * next ones counter deltas again.
 */
import type { Logger } from '../../util/logger.js';
import { forEachLimit } from '../../util/concurrency.js';
import type { MetricDatum, MetricListener, MetricStore } from '../types.js';
import { parseCommandTable, type CommandTable } from './command-families.js';
import { deriveNodeValues, expandAliases, nodeDatums, replicationLagSeconds } from './derive.js';
import { field, parseNodeSample, type NodeSample } from './node-sample.js';
import type { ProcReader } from './procfs.js';
import type { HostSample, NodeTarget } from './targets.js';

/** How the collector talks to a node (the service backs it with its AdminPool). */
export interface NodeReader {
  /** INFO all, as text. */
  info(target: NodeTarget): Promise<string>;
  /** COMMAND's reply (the command table with ACL categories). */
  commands(target: NodeTarget): Promise<unknown>;
}

export interface CollectorOptions {
  /** The collection period; ElastiCache publishes every 60 s. */
  periodMs: number;
  /** Nodes read at once. */
  concurrency: number;
  /** How often compaction (rollups, expiry) runs. */
  compactEveryMs: number;
}

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = { periodMs: 60_000, concurrency: 8, compactEveryMs: 60_000 };

export interface CollectorDeps {
  targets(): Promise<NodeTarget[]>;
  reader: NodeReader;
  proc: ProcReader;
  store: MetricStore;
  logger: Logger;
  now?: () => number;
  /** The service's own metrics of the period (flushed on each collection). */
  serviceMetrics?: (atMs: number, periodS: number) => MetricDatum[];
  /** Told how long each collection took (the service's MetricsCollectionTime). */
  onCollected?: (ms: number, nodes: number) => void;
}

/** The last reading of a node: what Prometheus and the terminal views show. */
export interface NodeReading {
  target: NodeTarget;
  /** Undefined when the node could not be read in the last collection. */
  sample?: NodeSample;
  error?: string;
}

export class MetricsCollector {
  private readonly listeners = new Set<MetricListener>();
  private readonly last = new Map<string, NodeReading>();
  /** Command tables by engine version, read once from a node of that version. */
  private readonly tables = new Map<string, Promise<CommandTable>>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastCompactMs = 0;
  private lastCollectionMs: number | undefined;
  private liveCache: { atMs: number; readings: Promise<NodeReading[]> } | undefined;
  private host: HostSample | undefined;

  constructor(private readonly deps: CollectorDeps, readonly opts: CollectorOptions = DEFAULT_COLLECTOR_OPTIONS) {
    this.now = deps.now ?? Date.now;
  }

  onData(listener: MetricListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The nodes collected from. */
  targets(): Promise<NodeTarget[]> {
    return this.deps.targets();
  }

  /** Every node's last reading. */
  readings(): NodeReading[] {
    return [...this.last.values()];
  }

  hostSample(): HostSample | undefined {
    return this.host;
  }

  /** The time (epoch ms) of the last collection whose data is stored: its readings were taken after it. */
  lastCollectedAt(): number | undefined {
    return this.lastCollectionMs;
  }

  /**
   * Fresh readings of every node for live views (`cachefleet top`), at most one round per
   * `maxAgeMs` however many viewers ask: nothing is stored, no period's deltas are disturbed.
   */
  live(maxAgeMs = 900): Promise<NodeReading[]> {
    const now = this.now();
    if (this.liveCache && now - this.liveCache.atMs < maxAgeMs) return this.liveCache.readings;
    const readings = this.deps.targets().then(async (targets) => {
      const out: NodeReading[] = [];
      await forEachLimit(targets, this.opts.concurrency, async (t) => { out.push(await this.read(t, this.now())); });
      return out;
    });
    this.liveCache = { atMs: now, readings };
    readings.catch(() => { this.liveCache = undefined; });
    return readings;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      const started = this.now();
      this.running = this.collect().then(() => undefined, (err: unknown) => this.deps.logger.warn({ err }, 'metrics collection failed'));
      void this.running.finally(() => {
        if (!this.timer) return;
        // The next collection a period after this one started (or at once if it overran).
        this.timer = setTimeout(tick, Math.max(0, started + this.opts.periodMs - this.now()));
        this.timer.unref();
      });
    };
    this.timer = setTimeout(tick, this.opts.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One collection: read every node, derive, store, notify. Returns the datums (as stored: with alsoAs). */
  async collect(): Promise<MetricDatum[]> {
    const atMs = this.now();
    const started = performance.now();
    const periodS = Math.max(1, Math.round(this.opts.periodMs / 1000));
    const targets = await this.deps.targets();
    const host = await this.deps.proc.host();
    this.host = host;
    const prev = new Map(this.last);
    const current = new Map<string, NodeReading>();
    await forEachLimit(targets, this.opts.concurrency, async (target) => {
      current.set(target.key, await this.read(target, atMs));
    });
    this.last.clear();
    for (const t of targets) this.last.set(t.key, current.get(t.key)!);

    const byAddress = new Map<string, NodeSample>();
    for (const r of current.values()) if (r.sample) byAddress.set(`${r.target.address}:${r.target.port}`, r.sample);
    const data: MetricDatum[] = [];
    for (const r of current.values()) {
      if (!r.sample) continue;
      const before = prev.get(r.target.key)?.sample;
      const commands = await this.commandTable(r.target, r.sample).catch(() => new Map() as CommandTable);
      const primary = byAddress.get(`${r.sample.fields.master_host}:${r.sample.fields.master_port}`);
      const lag = replicationLagSeconds(r.sample, r.target, primary);
      const values = deriveNodeValues({ target: r.target, prev: before, cur: r.sample, host, commands, ...(lag !== undefined ? { replicationLagS: lag } : {}) });
      data.push(...nodeDatums(r.target, values, atMs, periodS));
    }
    data.push(...(this.deps.serviceMetrics?.(atMs, periodS) ?? []));
    await this.deps.store.put(data);
    if (atMs - this.lastCompactMs >= this.opts.compactEveryMs) {
      this.lastCompactMs = atMs;
      await this.deps.store.compact(atMs);
    }
    const heard = this.listeners.size > 0 ? expandAliases(data) : [];
    for (const l of this.listeners) {
      try { l(heard); } catch (err) { this.deps.logger.warn({ err }, 'a metrics listener failed'); }
    }
    // Set once the collection's data is stored: a reader seeing it finds that collection's points.
    this.lastCollectionMs = atMs;
    this.deps.onCollected?.(performance.now() - started, targets.length);
    return data;
  }

  private async read(target: NodeTarget, atMs: number): Promise<NodeReading> {
    try {
      const text = await this.deps.reader.info(target);
      const sample = parseNodeSample(text, atMs);
      const pid = field(sample, 'process_id');
      const proc = pid > 0 ? await this.deps.proc.process(pid) : undefined;
      if (proc) sample.process = proc;
      return { target, sample };
    } catch (err) {
      return { target, error: (err as Error).message };
    }
  }

  private commandTable(target: NodeTarget, sample: NodeSample): Promise<CommandTable> {
    const version = sample.fields.redis_version ?? '';
    let table = this.tables.get(version);
    if (!table) {
      table = this.deps.reader.commands(target).then(parseCommandTable);
      this.tables.set(version, table);
      // A failed read is asked again next time.
      table.catch(() => this.tables.delete(version));
    }
    return table;
  }
}
