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
 */
export class EcpuBucket {
  private tokens: number;
  private last: number;

  constructor(private perSecond: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = perSecond;
    this.last = now();
  }

  setRate(perSecond: number): void {
    this.refill();
    this.perSecond = perSecond;
    this.tokens = Math.min(this.tokens, perSecond);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }

  /** 0 when a command may start now, else the ms until it may. */
  waitMs(): number {
    this.refill();
    return this.tokens > 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000) + 1;
  }

  charge(ecpu: number): void {
    this.refill();
    this.tokens -= ecpu;
  }
}
