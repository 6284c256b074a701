import type { EventRecord, EventSourceType, StateStore, StoredEvent } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export type EventListener = (event: StoredEvent) => void;

/** The cursor record of the sink's deliveries (kind `eventCursor`). */
const CURSOR_ID = 'sink';

/**
 * The one place events go (as Sentinel's sentinelEvent()). An event is first *stored*: in the
 * same atomic commit as the state change it tells of (`event()`, handed to a commit's
 * `events`; the failover runner does so for every failover event), or on its own (`emit()`).
 * What is stored is then *delivered*, in the log's order, to the service's log and to listeners
 * (notifications): logs and notifications are derived from the stored log, so there is none for
 * an event that was not stored, and an event that was stored is delivered even if the process
 * stopped between its commit and its delivery — `resume()` at start delivers what follows the
 * cursor the previous process saved. Each event is delivered once by a process; across a crash
 * between a delivery and the cursor's save it may be delivered again, with the same `seq` (a
 * notifier's key to drop a repeat). Nothing else writes events.
 */
export class EventSink {
  private readonly listeners = new Set<EventListener>();
  /** The last seq delivered by this process (-1: none yet, deliver whatever comes). */
  private delivered = -1;
  /** Set by resume(): deliveries are recorded in the store (else only in memory, as in unit tests). */
  private persistent = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.unsubscribe = store.onEvents((events) => this.deliver(events));
  }

  /**
   * Delivers the events stored after the saved cursor (those a stopped process committed but
   * had not delivered), then saves the cursor after every delivery. A data directory without a
   * cursor starts at its newest event: history is not replayed. Call once, after the listeners
   * that must hear the missed events (notifications) have subscribed; an event emitted before it
   * is delivered again then (with its seq), none is skipped.
   */
  async resume(): Promise<void> {
    const cursor = await this.store.get('eventCursor', CURSOR_ID);
    if (!cursor) {
      const seq = await this.store.lastEventSeq();
      await this.store.commit([{ op: 'create', kind: 'eventCursor', id: CURSOR_ID, doc: { id: CURSOR_ID, seq } }]);
      this.delivered = Math.max(this.delivered, seq);
    } else {
      // From the saved cursor, even past what this process delivered before resuming (an event
      // emitted early): what lies between is delivered, and the early ones once more (same seq).
      let after = cursor.doc.seq;
      const reached = this.delivered;
      this.delivered = after;
      for (;;) {
        const missed = await this.store.eventsAfter(after, 500);
        if (missed.length === 0) break;
        this.deliver(missed);
        after = missed[missed.length - 1]!.seq;
      }
      this.delivered = Math.max(this.delivered, reached);
    }
    this.persistent = true;
    this.save();
    await this.saving;
  }

  /** An event to store in a commit with the state change it tells of (`store.commit(ops, { events })`). */
  event(sourceType: EventSourceType, sourceIdentifier: string, message: string, level: 'info' | 'warn' = 'info'): EventRecord {
    return { sourceType, sourceIdentifier, message, date: this.now().toISOString(), ...(level === 'warn' ? { level } : {}) };
  }

  /** Stores an event that goes with no state change of its own (then it is delivered). */
  async emit(sourceType: EventSourceType, sourceIdentifier: string, message: string, level: 'info' | 'warn' = 'info'): Promise<void> {
    const event = this.event(sourceType, sourceIdentifier, message, level);
    try {
      await this.store.commit([], { events: [event] });
    } catch (err) {
      // Never lost silently: the log still has it.
      this.logger.error({ err, resource: sourceIdentifier, event: sourceType }, `could not store event: ${message}`);
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops delivering, once the last cursor save is done. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.saving;
  }

  private deliver(events: StoredEvent[]): void {
    let any = false;
    for (const e of events) {
      if (e.seq <= this.delivered) continue;
      this.delivered = e.seq;
      any = true;
      this.logger[e.level ?? 'info']({ event: e.sourceType, resource: e.sourceIdentifier, seq: e.seq }, e.message);
      for (const l of this.listeners) {
        try { l(e); } catch (err) { this.logger.error({ err }, 'event listener failed'); }
      }
    }
    if (any && this.persistent) this.save();
  }

  /** Saves the cursor (one save at a time, each with the latest seq delivered). */
  private save(): void {
    this.saving = this.saving.then(async () => {
      const seq = this.delivered;
      try {
        const cur = await this.store.get('eventCursor', CURSOR_ID);
        if (cur && cur.doc.seq >= seq) return;
        await this.store.commit([cur
          ? { op: 'update', kind: 'eventCursor', id: CURSOR_ID, doc: { id: CURSOR_ID, seq }, expectVersion: cur.version }
          : { op: 'create', kind: 'eventCursor', id: CURSOR_ID, doc: { id: CURSOR_ID, seq } }]);
      } catch (err) {
        // The next delivery saves again; meanwhile a restart would deliver a few events twice.
        this.logger.warn({ err }, 'could not save the event cursor');
      }
    });
  }
}
