/**
 * The log delivery controller (level-triggered, like the reconciler): on a period it reads the
 * desired LogDeliveryConfigurations of every cluster, delivers what each node logged since its
 * cursor, and records what it observed (`active`, or `error` with a message) for describe calls.
 *
 * - slow-log: `SLOWLOG GET -1` and INFO's run_id over the admin connection; the cursor is the last
 *   entry id shipped on that run (slow-log.ts).
 * - engine-log: the node's redis.log read from a byte offset, on the same file (dev:inode); a new
 *   or shorter file starts again at 0 (engine-log.ts).
 * - Events and the cursor past them are one SQLite transaction (LogStore.append): a control plane
 *   killed at any point ships nothing twice and skips nothing on its next pass.
 * - One stream per node and log type: `<cache-cluster-id>-<cache-node-id>-<log type>`.
 * - A delivery turned off (`enabled: false`, or a cluster or node gone) loses its cursors and observation.
 */
import { open, stat } from 'node:fs/promises';
import type { LogDeliverySetting } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import type { LogStore } from '../store/log-store.js';
import type { DeliveryCursor, NewLogEvent } from '../types.js';
import { engineLogEvents } from './engine-log.js';
import { parseSlowlog, slowlogMessage, slowlogToShip } from './slow-log.js';

export interface DeliveryNode {
  cacheNodeId: string;
  /** The node provider's key (nodes/<key>/): the cursor's key too. */
  nodeKey: string;
  address: string;
  port: number;
}

export interface DeliveryTarget {
  cacheClusterId: string;
  nodes: DeliveryNode[];
  configs: LogDeliverySetting[];
}

export interface NodeLogReader {
  /** INFO's run_id and SLOWLOG GET's reply (read between two run_id reads that agree). */
  slowlog(node: DeliveryNode): Promise<{ runId: string; reply: unknown }>;
  /** The node's redis.log. */
  engineLogPath(node: DeliveryNode): string;
}

export interface LogDeliveryOptions {
  logs: LogStore;
  targets: () => Promise<DeliveryTarget[]>;
  reader: NodeLogReader;
  now: () => number;
  logger: Logger;
  intervalMs: number;
}

/** What a configuration is observed for: a change of group or format is a new configuration (`modifying` until delivered). */
export function configKey(c: Pick<LogDeliverySetting, 'destinationType' | 'logGroup' | 'logFormat'>): string {
  return `${c.destinationType}:${c.logFormat}:${c.logGroup}`;
}

export function streamName(cacheClusterId: string, cacheNodeId: string, logType: string): string {
  return `${cacheClusterId}-${cacheNodeId}-${logType}`;
}

/** The most of a node's log read in one pass (the rest follows on the next). */
const ENGINE_LOG_CHUNK = 256 * 1024;
/** Expired events are dropped every this many passes. */
const EXPIRE_EVERY = 60;

export class LogDeliveryController {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private passes = 0;

  constructor(private readonly o: LogDeliveryOptions) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.pass().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'log delivery pass failed'))
        .finally(() => { if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs); });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every cluster (exported for tests: deliver now). */
  async pass(): Promise<void> {
    const { logs } = this.o;
    const targets = await this.o.targets();
    const wanted = new Set<string>();
    for (const t of targets) {
      for (const cfg of t.configs) {
        if (!cfg.enabled) continue;
        wanted.add(`${t.cacheClusterId}\n${cfg.logType}`);
        await this.deliverCluster(t, cfg);
      }
    }
    for (const o of logs.deliveries.observations()) {
      if (!wanted.has(`${o.cacheClusterId}\n${o.logType}`)) logs.deliveries.forget(o.cacheClusterId, o.logType);
    }
    // Cursors of nodes no delivery reads any more (a cluster deleted, a node removed): a node made
    // again under the same key must not resume from its predecessor's place.
    const live = new Set(targets.flatMap((t) => t.configs.filter((c) => c.enabled).flatMap((c) => t.nodes.map((n) => `${n.nodeKey}\n${c.logType}`))));
    for (const c of logs.deliveries.cursors()) {
      if (!live.has(`${c.nodeKey}\n${c.logType}`)) logs.deliveries.dropCursors([c.nodeKey], c.logType);
    }
    if (this.passes++ % EXPIRE_EVERY === 0) logs.expire(this.o.now());
  }

  private async deliverCluster(t: DeliveryTarget, cfg: LogDeliverySetting): Promise<void> {
    const { logs } = this.o;
    const key = configKey(cfg);
    const observe = (status: 'active' | 'error', message?: string) => {
      const prev = logs.deliveries.observation(t.cacheClusterId, cfg.logType);
      if (prev?.configKey === key && prev.status === status && prev.message === message) return;
      logs.deliveries.observe({ cacheClusterId: t.cacheClusterId, logType: cfg.logType, configKey: key, status, ...(message ? { message } : {}), updatedMs: this.o.now() });
    };
    if (!logs.group(cfg.logGroup)) {
      observe('error', `The CloudWatch Logs log group ${cfg.logGroup} does not exist. Create it (aws logs create-log-group) or modify the delivery.`);
      return;
    }
    let delivered = 0;
    for (const n of t.nodes) {
      try {
        await (cfg.logType === 'slow-log' ? this.deliverSlowlog(t, n, cfg) : this.deliverEngineLog(t, n, cfg));
        delivered++;
      } catch (err) {
        // A node that cannot be read now (restarting, being replaced) is read again next pass from its cursor.
        this.o.logger.debug({ node: n.nodeKey, logType: cfg.logType, err: (err as Error).message }, 'log delivery: node not read');
      }
    }
    if (delivered === t.nodes.length && t.nodes.length > 0) observe('active');
  }

  private append(cfg: LogDeliverySetting, stream: string, events: NewLogEvent[], cursor: DeliveryCursor): void {
    if (!this.o.logs.append(cfg.logGroup, stream, events, this.o.now(), cursor)) throw new Error(`log group ${cfg.logGroup} is gone`);
  }

  private async deliverSlowlog(t: DeliveryTarget, n: DeliveryNode, cfg: LogDeliverySetting): Promise<void> {
    const { runId, reply } = await this.o.reader.slowlog(n);
    const cursor = this.o.logs.deliveries.cursor(n.nodeKey, 'slow-log');
    const next = slowlogToShip(parseSlowlog(reply), cursor, runId, n.nodeKey);
    if (cursor && cursor.source === next.cursor.source && cursor.position === next.cursor.position) return;
    const node = { cacheClusterId: t.cacheClusterId, cacheNodeId: n.cacheNodeId };
    const events = next.ship.map((e) => ({ timestamp: e.timestamp * 1000, message: slowlogMessage(e, node, cfg.logFormat) }));
    this.append(cfg, streamName(t.cacheClusterId, n.cacheNodeId, 'slow-log'), events, next.cursor);
  }

  private async deliverEngineLog(t: DeliveryTarget, n: DeliveryNode, cfg: LogDeliverySetting): Promise<void> {
    const path = this.o.reader.engineLogPath(n);
    const st = await stat(path);
    const source = `${st.dev}:${st.ino}`;
    const cursor = this.o.logs.deliveries.cursor(n.nodeKey, 'engine-log');
    // Another file (the node was replaced) or a shorter one (truncated): read it from its start.
    const from = cursor && cursor.source === source && cursor.position <= st.size ? cursor.position : 0;
    if (from === st.size && cursor?.source === source) return;
    const fh = await open(path, 'r');
    let chunk: Buffer;
    try {
      const buf = Buffer.alloc(Math.min(ENGINE_LOG_CHUNK, st.size - from));
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      chunk = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
    const { events, consumed } = engineLogEvents(chunk, { cacheClusterId: t.cacheClusterId, cacheNodeId: n.cacheNodeId }, cfg.logFormat, this.o.now());
    if (consumed === 0 && cursor?.source === source) return;
    this.append(cfg, streamName(t.cacheClusterId, n.cacheNodeId, 'engine-log'), events, { nodeKey: n.nodeKey, logType: 'engine-log', source, position: from + consumed });
  }
}
