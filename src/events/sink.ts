import type { EventRecord, EventSourceType, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export type EventListener = (event: EventRecord) => void;

/**
 * The one place events go (as Sentinel's sentinelEvent()): every event is logged, stored for
 * DescribeEvents, and handed to listeners (notifications). Nothing else writes events.
 */
export class EventSink {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async emit(sourceType: EventSourceType, sourceIdentifier: string, message: string, level: 'info' | 'warn' = 'info'): Promise<void> {
    const event: EventRecord = { sourceType, sourceIdentifier, message, date: this.now().toISOString() };
    this.logger[level]({ event: sourceType, resource: sourceIdentifier }, message);
    try {
      await this.store.appendEvent(event);
    } catch (err) {
      this.logger.error({ err, resource: sourceIdentifier }, 'could not store event');
    }
    for (const l of this.listeners) {
      try { l(event); } catch (err) { this.logger.error({ err }, 'event listener failed'); }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
