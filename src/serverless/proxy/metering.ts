/**
 * Metering and throttling as ElastiCache Serverless defines them. AWS: "Simple reads and writes
 * require 1 ECPU for each kilobyte (KB) of data transferred… a GET that transfers up to 1 KB
 * consumes 1 ECPU; a SET that transfers 3.2 KB consumes 3.2 ECPUs". So: the bytes of the command
 * plus those of its reply, in KiB, fractional, and never less than 1.
 */
import type { ServerlessUsage } from './config.js';

export function ecpuOf(bytesIn: number, bytesOut: number): number {
  return Math.max(1, (bytesIn + bytesOut) / 1024);
}

export type Counters = Omit<ServerlessUsage, 'worker' | 'pid' | 'startedAt' | 'writtenAt'>;

export function emptyCounters(): Counters {
  return {
    ecpu: 0, commands: 0, readCommands: 0, writeCommands: 0, throttledCommands: 0, currConnections: 0,
    newConnections: 0, readLatencyMicrosSum: 0, writeLatencyMicrosSum: 0, bytesIn: 0, bytesOut: 0,
  };
}

/** Adds one command's reply to the counters. `kind`: how the command table flags it. */
export function meter(c: Counters, bytesIn: number, bytesOut: number, kind: 'read' | 'write' | 'other', micros: number): void {
  c.commands++;
  c.bytesIn += bytesIn;
  c.bytesOut += bytesOut;
  c.ecpu += ecpuOf(bytesIn, bytesOut);
  if (kind === 'read') {
    c.readCommands++;
    c.readLatencyMicrosSum += micros;
  } else if (kind === 'write') {
    c.writeCommands++;
    c.writeLatencyMicrosSum += micros;
  }
}

/**
 * A token bucket of ECPUs refilled at `perSecond` (this worker's share of the cache's
 * ECPUPerSecond maximum), holding at most one second's worth. A command may start while the
 * bucket is positive; it is charged its real cost once its reply is known, so the bucket can go
 * below zero and then delays what follows.
 *
 * The CPU part of ECPUs (reconciler/serverless/compute-ecpu.ts) is known only once a sample period,
 * from the nodes' commandstats, for the cache as a whole: `setDrain` charges this worker's share of
 * the last period's rate steadily until the next sample replaces it (or `until` passes, so a
 * control plane that stopped sampling leaves no charge behind). The drain alone takes the bucket
 * down to one second's debt at most, so a cache whose CPU part alone is over its maximum gets its
 * commands refused while that lasts, and serves again within a second of its end.
 */
export class EcpuBucket {
  private tokens: number;
  private last: number;
  private drainPerSecond = 0;
  private drainUntil = 0;

  constructor(private perSecond: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = perSecond;
    this.last = now();
  }

  setRate(perSecond: number): void {
    this.refill();
    this.perSecond = perSecond;
    this.tokens = Math.min(this.tokens, perSecond);
  }

  /** Charges `perSecond` ECPUs a second, steadily, from now until `until` (this bucket's clock). */
  setDrain(perSecond: number, until: number): void {
    this.refill();
    this.drainPerSecond = Math.max(0, perSecond);
    this.drainUntil = until;
  }

  private refill(): void {
    const t = this.now();
    const drained = (Math.max(0, Math.min(t, this.drainUntil) - this.last) / 1000) * this.drainPerSecond;
    let next = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond - drained);
    // The drain goes down to a second's debt, no further (commands' own charges may).
    if (drained > 0) next = Math.max(next, Math.min(this.tokens, -this.perSecond));
    this.tokens = next;
    this.last = t;
  }

  /** 0 when a command may start now, else the ms until it may. */
  waitMs(): number {
    this.refill();
    if (this.tokens > 0) return 0;
    const deficit = -this.tokens;
    const drainLeft = Math.max(0, this.drainUntil - this.now()) / 1000;
    const net = this.perSecond - this.drainPerSecond;
    let secs: number;
    if (drainLeft === 0 || (net > 0 && deficit < net * drainLeft)) secs = deficit / (drainLeft === 0 ? this.perSecond : net);
    else {
      // Not paid off before the drain ends: what is left then (see refill's floor), at the full rate.
      const atEnd = net > 0 ? deficit - net * drainLeft : Math.max(deficit, Math.min(this.perSecond, deficit - net * drainLeft));
      secs = drainLeft + atEnd / this.perSecond;
    }
    return Math.ceil(secs * 1000) + 1;
  }

  charge(ecpu: number): void {
    this.refill();
    this.tokens -= ecpu;
  }
}
