/**
 * TILT, as Redis Sentinel has it: when this process's own timers fire much later than asked
 * (an event-loop stall, a suspended VM) or the clock jumps, what the monitor observed around that
 * moment cannot be trusted. The guard keeps observing but says "do not act" for a while.
 */
export class TiltGuard {
  private lastTick: number | undefined;
  private tiltUntil = 0;
  private entered = 0;

  constructor(
    private readonly opts: { expectedIntervalMs: number; maxLateMs: number; tiltPeriodMs: number },
    private readonly now: () => number = Date.now,
    private readonly onTilt: (reason: string) => void = () => {},
  ) {}

  /** Call once per monitor tick. */
  tick(): void {
    const t = this.now();
    if (this.lastTick !== undefined) {
      const delta = t - this.lastTick;
      if (delta < 0) this.enter(`the clock went back by ${-delta} ms`, t);
      else if (delta > this.opts.expectedIntervalMs + this.opts.maxLateMs) this.enter(`a ${delta} ms stall (expected ${this.opts.expectedIntervalMs} ms)`, t);
    }
    this.lastTick = t;
  }

  /** True while acting on observations is unsafe. */
  get tilted(): boolean {
    return this.now() < this.tiltUntil;
  }

  get timesEntered(): number {
    return this.entered;
  }

  private enter(reason: string, t: number): void {
    this.tiltUntil = t + this.opts.tiltPeriodMs;
    this.entered++;
    this.onTilt(reason);
  }
}
