/**
 * A client that writes through an endpoint in a loop, as an application would, and records what
 * happened: every acknowledged write, errors by kind (READONLY counted apart), and the longest
 * gap between two acknowledged writes (how long a failover stalled it).
 */
import { Redis, type RedisOptions } from 'ioredis';

export interface WriterReport {
  acknowledged: number;
  errors: number;
  readonly: number;
  errorKinds: string[];
  /** Longest time between two acknowledged writes, ms. */
  maxGapMs: number;
  /** Acknowledged key → value, to check later what survived. */
  acked: Map<string, string>;
  /** How many times the connection closed (0: it was never dropped). */
  closes: number;
}

export class LoopWriter {
  private readonly client: Redis;
  private running = true;
  private done: Promise<void>;
  readonly report: WriterReport = { acknowledged: 0, errors: 0, readonly: 0, errorKinds: [], maxGapMs: 0, acked: new Map(), closes: 0 };
  /** Timestamps of acknowledged writes (ms), for "time to first write after X". */
  readonly ackTimes: number[] = [];
  /** When each acknowledged write was sent (same order as ackTimes). */
  private readonly sentTimes: number[] = [];

  constructor(host: string, port: number, private readonly prefix = 'w', options: RedisOptions = {}) {
    // Reconnect quickly and keep commands queued across a reconnect, as a production client would.
    this.client = new Redis({ host, port, maxRetriesPerRequest: null, retryStrategy: () => 20, connectTimeout: 1000, enableReadyCheck: false, ...options });
    this.client.on('error', () => {});
    this.client.on('close', () => { this.report.closes++; });
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let i = 0;
    let last = Date.now();
    while (this.running) {
      const key = `${this.prefix}:${i}`;
      const value = String(i);
      const sentAt = Date.now();
      try {
        await this.client.set(key, value);
        const now = Date.now();
        this.sentTimes.push(sentAt);
        this.report.maxGapMs = Math.max(this.report.maxGapMs, now - last);
        last = now;
        this.ackTimes.push(now);
        this.report.acknowledged++;
        this.report.acked.set(key, value);
        i++;
      } catch (e) {
        const msg = (e as Error).message;
        this.report.errors++;
        if (msg.startsWith('READONLY')) this.report.readonly++;
        if (this.report.errorKinds.length < 10) this.report.errorKinds.push(msg.slice(0, 80));
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /**
   * When the first write *sent* at or after `t` (ms) was acknowledged, or undefined. Writes already
   * in flight at `t` do not count: a dying primary may still answer them.
   */
  firstAckAfter(t: number): number | undefined {
    const i = this.sentTimes.findIndex((x) => x >= t);
    return i >= 0 ? this.ackTimes[i] : undefined;
  }

  async stop(): Promise<WriterReport> {
    this.running = false;
    await this.done;
    this.client.disconnect();
    return this.report;
  }
}

/** The acknowledged keys that are missing, or hold another value, when read through host:port. */
export async function lostWrites(host: string, port: number, acked: Map<string, string>): Promise<string[]> {
  const check = new Redis({ host, port });
  try {
    const keys = [...acked.keys()];
    const lost: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      (await check.mget(...chunk)).forEach((v, j) => { if (v !== acked.get(chunk[j]!)) lost.push(chunk[j]!); });
    }
    return lost;
  } finally {
    check.disconnect();
  }
}
