// Slows guessing of secrets at the console's sign-in: a source address with `maxFailures` failed
// sign-ins within `windowMs` is refused (429) until the oldest of them leaves the window. A
// successful sign-in does not clear the count (a guesser holding one key must not reset it).
export interface SignInThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
  /** Most addresses tracked at once; the oldest entry is dropped beyond it. */
  maxAddresses?: number;
}

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxAddresses: number;

  constructor(opts: SignInThrottleOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.maxFailures]! + this.windowMs - this.now()) / 1000));
  }

  recordFailure(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.delete(address);
    this.failures.set(address, recent);
    while (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
