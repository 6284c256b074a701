/**
 * Deliveries of SNS messages to HTTP/HTTPS subscribers: a topic's message goes to every confirmed
 * subscription, a new subscription gets its SubscriptionConfirmation; each POST carries SNS's
 * headers and its signed JSON envelope, and is retried with exponential backoff (a bounded number
 * of attempts, as SNS's default HTTP delivery policy) until the receiver answers 2xx. Retries live
 * in memory: a message still being retried when the service stops is not delivered.
 */
import { randomUUID } from 'node:crypto';
import type { SnsSubscriptionRecord, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { confirmationEnvelope, notificationEnvelope, type Envelope, type Signer } from './envelope.js';

export interface DeliveryOptions {
  store: StateStore;
  signer: Signer;
  /** The service's URL (SubscribeURL and UnsubscribeURL point at it). */
  baseUrl: () => string;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Attempts per delivery (default 4) and the first retry's delay, doubled each time (default 1 s). */
  attempts?: number;
  baseDelayMs?: number;
  /** Per-attempt timeout (default 15 s, SNS's). */
  timeoutMs?: number;
}

export class SnsDelivery {
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: DeliveryOptions) {}

  /** Sends `sub` its SubscriptionConfirmation (in the background). */
  confirm(sub: SnsSubscriptionRecord): void {
    const subscribeUrl = `${this.o.baseUrl()}/?Action=ConfirmSubscription&Version=2010-03-31&TopicArn=${encodeURIComponent(sub.topicArn)}&Token=${sub.token}`;
    const env = confirmationEnvelope({ topicArn: sub.topicArn, token: sub.token, subscribeUrl, now: this.o.now() }, this.o.signer);
    this.track(this.post(sub, env));
  }

  /**
   * Publishes to every confirmed subscription of `topicArn` (deliveries in the background); the
   * message id. `subject` follows SNS's rule: at most 100 printable ASCII characters.
   */
  async publish(topicArn: string, message: string, subject?: string): Promise<string> {
    const topic = await this.o.store.get('snsTopic', topicArn.split(':')[5] ?? '');
    if (!topic || topic.doc.topicArn !== topicArn) throw new Error(`Topic does not exist: ${topicArn}`);
    const messageId = randomUUID();
    const subs = (await this.o.store.list('snsSubscription')).filter((s) => s.doc.topicArn === topicArn && s.doc.confirmed);
    for (const { doc: sub } of subs) {
      const unsubscribeUrl = `${this.o.baseUrl()}/?Action=Unsubscribe&Version=2010-03-31&SubscriptionArn=${encodeURIComponent(`${topicArn}:${sub.id}`)}`;
      const env = notificationEnvelope({ topicArn, message, ...(subject !== undefined ? { subject } : {}), messageId, unsubscribeUrl, now: this.o.now() }, this.o.signer);
      this.track(this.post(sub, env));
    }
    return messageId;
  }

  /** Waits for the deliveries under way (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.drain();
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async post(sub: SnsSubscriptionRecord, env: Envelope): Promise<void> {
    const attempts = this.o.attempts ?? 4;
    let delay = this.o.baseDelayMs ?? 1000;
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      try {
        const res = await fetch(sub.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            'x-amz-sns-message-type': env.Type!, 'x-amz-sns-message-id': env.MessageId!, 'x-amz-sns-topic-arn': sub.topicArn,
            ...(env.Type === 'Notification' ? { 'x-amz-sns-subscription-arn': `${sub.topicArn}:${sub.id}` } : {}),
            'user-agent': 'Amazon Simple Notification Service Agent',
          },
          body: sub.rawMessageDelivery && env.Type === 'Notification' ? env.Message! : JSON.stringify(env),
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          this.o.logger.debug({ subscription: sub.id, type: env.Type, attempt }, 'sns delivery done');
          return;
        }
        this.o.logger.warn({ subscription: sub.id, status: res.status, attempt }, 'sns delivery refused by the endpoint');
      } catch (err) {
        this.o.logger.warn({ subscription: sub.id, err: (err as Error).message, attempt }, 'sns delivery failed');
      }
      if (attempt < attempts) {
        await new Promise((r) => setTimeout(r, delay).unref());
        delay *= 2;
      }
    }
    this.o.logger.warn({ subscription: sub.id, endpoint: sub.endpoint, type: env.Type }, 'sns delivery given up');
  }
}
