/**
 * New bases for a recording line, every `baseIntervalMs` (daily by default, beside the daily
 * snapshots), so a restore replays at most that much of the stream and old segments can expire.
 *
 * A base is taken on a second, short link to the node the recording follows: `REPLCONF rdb-only 1`
 * and `PSYNC ? -1` give an RDB whose replication offset the node states (`+FULLRESYNC <replid>
 * <offset>`). The recording is told before the request (so it keeps every boundary from then on,
 * the offset being at or after where it is) and cuts a segment exactly at that offset once it is
 * known: the base then starts a segment of the same line. The RDB streams to the store through the
 * caller's encode; after each new base, retention is applied.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../../util/logger.js';
import type { NodeTarget, ObjectStore } from '../types.js';
import { expireArchive } from './expire.js';
import { listBases } from './listing.js';
import { baseKey } from './names.js';
import { ReplicationLink } from './psync-link.js';
import type { Recording } from './recording.js';

export interface BaseSchedulerDeps {
  store: ObjectStore;
  prefix: string;
  encode: (plain: Readable) => Readable;
  now: () => number;
  timeoutMs: number;
  localAddress?: string;
  baseIntervalMs: number;
  retentionMs?: number;
  log: Logger;
  /** The recording session now running, if any. */
  current: () => { node: NodeTarget; recording: Recording } | undefined;
  /** A base was archived (requested at `ms`). */
  onArchived: (ms: number) => void;
}

export class BaseScheduler {
  private lastMs: number | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: BaseSchedulerDeps) {}

  /** Reads when the newest base was taken (at start). */
  async load(): Promise<void> {
    const bases = await listBases(this.deps.store, this.deps.prefix);
    const newest = bases[bases.length - 1];
    if (newest) this.noted(newest.name.ms);
  }

  /** A base was archived by other means (a new line's full sync). */
  noted(ms: number): void {
    this.lastMs = Math.max(this.lastMs ?? ms, ms);
  }

  /** Takes a base when the last one is `baseIntervalMs` old (errors are logged; the next tick retries). */
  maybeTake(now: number): void {
    if (this.running || (this.lastMs !== undefined && now - this.lastMs < this.deps.baseIntervalMs)) return;
    void this.takeNow().catch((e: Error) => this.deps.log.warn({ err: e.message }, 'taking a new base failed'));
  }

  /** Takes a base now (or waits for the one being taken). */
  takeNow(): Promise<void> {
    this.running ??= this.take().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Settles when no base is being taken. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async take(): Promise<void> {
    const d = this.deps;
    const s = d.current();
    if (!s) throw new Error('not recording: a base is taken from the node the recording follows');
    const requestedMs = d.now();
    s.recording.beginCut(requestedMs);
    const link = new ReplicationLink({ node: s.node, rdbOnly: true, timeoutMs: d.timeoutMs, localAddress: d.localAddress });
    try {
      const reply = await link.reply;
      if (reply.kind !== 'full' || !reply.rdb) throw new Error('the node did not answer with a full sync');
      if (d.current() !== s) throw new Error('the recording session ended while the base was requested');
      if (reply.replid !== s.recording.replid) {
        throw new Error(`the node's replication id changed (${s.recording.replid} → ${reply.replid}) while the base was requested`);
      }
      const cut = s.recording.cutAt(reply.offset, d.now());
      if (cut === 'missed') throw new Error(`offset ${reply.offset} of the base is not a command boundary of the recording`);
      const name = { ms: requestedMs, line: s.recording.line, offset: reply.offset, replid: reply.replid };
      await d.store.put(baseKey(d.prefix, name), d.encode(reply.rdb));
      const end = await link.closed;
      if (end) throw end;
      this.noted(requestedMs);
      d.onArchived(requestedMs);
      d.log.info({ line: name.line, offset: name.offset, cut }, 'new base archived');
      if (d.retentionMs !== undefined) {
        const r = await expireArchive(d.store, d.prefix, d.retentionMs, d.now());
        if (r.bases || r.segments) d.log.info(r, 'expired archive objects past the retention');
      }
    } catch (e) {
      s.recording.cancelCut();
      throw e;
    } finally {
      link.close();
    }
  }
}
