import type { NodeProvider } from '../engine/types.js';
import type { Logger } from '../util/logger.js';
import { PingSchedule } from './schedule.js';
import { TiltGuard } from './tilt.js';

export interface MonitoredNode {
  key: string;
  address: string;
  port: number;
}

export type Health = 'up' | 'suspected' | 'down';

export interface NodeHealth {
  health: Health;
  /** Consecutive failed checks. */
  failures: number;
  /** Why the last check failed: 'refused', 'timeout', 'exited', or the error text. */
  lastSignal?: string;
  lastOkAt?: number;
  /** When the node was first judged down (ms since epoch). */
  downSince?: number;
}

export interface MonitorOptions {
  /**
   * The fast period: every tick checks each node's process liveness (no I/O), and pings nodes
   * that are suspected or down. Also the TILT guard's expected tick.
   */
  intervalMs: number;
  /** How often a node judged up is pinged (its process exit is still learnt at once). */
  idleIntervalMs: number;
  /** A ping not answered within this is a failed check. */
  timeoutMs: number;
  /** Failed checks in a row before a node is down (one failed check makes it suspected). */
  downAfter: number;
  /** TILT: timer lateness beyond which observations are distrusted, and for how long. */
  tiltMaxLateMs: number;
  tiltPeriodMs: number;
  /**
   * Flap damping: a node that came back from `down` `flapRecoveries` times within `flapWindowMs`
   * needs `flapDampFactor` times as many timed-out checks before it is down again. It applies to
   * timeouts only (suspect the network); a process known to have exited is down at once.
   */
  flapWindowMs: number;
  flapRecoveries: number;
  flapDampFactor: number;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  intervalMs: 100, idleIntervalMs: 1000, timeoutMs: 250, downAfter: 3, tiltMaxLateMs: 1000, tiltPeriodMs: 5000,
  flapWindowMs: 60_000, flapRecoveries: 2, flapDampFactor: 4,
};

/** What the monitor needs of the admin pool: a PING per node. */
export interface Pinger {
  client(address: string, port: number): { ping(): Promise<unknown> };
}

/** What the monitor needs of the node provider: the process state, and optionally its cheap liveness signals. */
export type MonitoredProvider = Pick<NodeProvider, 'status'> & Partial<Pick<NodeProvider, 'isAlive' | 'onExit'>>;

/**
 * The observing half of high availability (Sentinel's split): keeps a verdict per node, judged
 * from more than one signal: a refused connection or a timeout makes a node *suspected*;
 * `downAfter` failures in a row, or one failure while its process is known to have exited, make
 * it *down*; a process the provider reports gone (exit event, or the fast tick's liveness check)
 * makes it down at once, without a ping. Healthy nodes are pinged every `idleIntervalMs` (what
 * a ping adds is a hung or unreachable process), suspected and down ones every tick. Verdict
 * changes are reported; deciding what to do is the reconciler's (the acting half), which also
 * asks `canAct` (not in TILT).
 */
export class HealthMonitor {
  private nodes = new Map<string, MonitoredNode>();
  private readonly state = new Map<string, NodeHealth>();
  private readonly tilt: TiltGuard;
  private readonly schedule: PingSchedule;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  /** Told every check's outcome: 'ok' or the failure's signal (the service's HealthChecks metric). */
  onCheck: ((key: string, outcome: string) => void) | undefined;

  /** When each node last came back from `down` (ms since epoch), within the flap window. */
  private readonly recoveries = new Map<string, number[]>();

  constructor(
    private readonly admin: Pinger,
    private readonly provider: MonitoredProvider,
    private readonly opts: MonitorOptions,
    private readonly onChange: (key: string, health: NodeHealth) => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.tilt = new TiltGuard({ expectedIntervalMs: opts.intervalMs, maxLateMs: opts.tiltMaxLateMs, tiltPeriodMs: opts.tiltPeriodMs },
      now, (reason) => logger.warn({ reason }, 'TILT: observations distrusted, automatic actions paused'));
    this.schedule = new PingSchedule(opts.idleIntervalMs, now);
  }

  /** The nodes to watch (replaces the previous set; state of nodes still watched is kept). */
  watch(nodes: MonitoredNode[]): void {
    this.nodes = new Map(nodes.map((n) => [n.key, n]));
    for (const key of this.state.keys()) if (!this.nodes.has(key)) this.state.delete(key);
    for (const key of this.recoveries.keys()) if (!this.nodes.has(key)) this.recoveries.delete(key);
    this.schedule.retain(this.nodes.keys());
  }

  start(): void {
    this.unsubscribe = this.provider.onExit?.((key) => this.exited(key));
    const loop = () => {
      this.timer = setTimeout(() => {
        this.tick();
        if (this.timer) loop();
      }, this.opts.intervalMs);
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * The fast tick (the timer's work; tests call it directly): a node whose process is gone is
   * down now; nodes due a ping (not up, or up and not pinged for `idleIntervalMs`) are pinged,
   * each on its own, so one slow node never holds up the others.
   */
  tick(): void {
    this.tilt.tick();
    for (const n of this.nodes.values()) {
      const alive = this.provider.isAlive?.(n.key);
      if (alive === false) {
        this.exited(n.key);
        continue;
      }
      // Where the provider tracks processes, a node it has not looked at yet has nothing to ping
      // (its first `status` tells); fast pings are for a process that is there but not answering.
      if (alive === undefined && this.provider.isAlive) continue;
      if (!this.schedule.due(n.key, this.health(n.key).health !== 'up')) continue;
      this.schedule.begin(n.key);
      void this.check(n)
        .catch((err) => this.logger.error({ err, node: n.key }, 'health check failed'))
        .finally(() => this.schedule.end(n.key));
    }
  }

  /** The provider saw the node's process end: down at once, whatever damping says (it is not the network). */
  exited(key: string): void {
    if (!this.nodes.has(key)) return;
    const prev = this.health(key);
    if (prev.health === 'down' && prev.lastSignal === 'exited') return;
    this.judge(key, prev, { ...prev, failures: prev.failures + 1, lastSignal: 'exited', health: 'down', downSince: prev.downSince ?? this.now() });
  }

  health(key: string): NodeHealth {
    return this.state.get(key) ?? { health: 'up', failures: 0 };
  }

  /** False in TILT: observations are kept but must not trigger failovers. */
  get canAct(): boolean {
    return !this.tilt.tilted;
  }

  /** One awaited round of pings of every watched node, whatever their schedule (for tests; the timer runs tick()). */
  async checkAll(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => this.check(n)));
  }

  private async check(n: MonitoredNode): Promise<void> {
    const answer = await this.ping(n);
    // An answer sent just before the process was killed is not a recovery.
    const signal = this.provider.isAlive?.(n.key) === false ? 'exited' : answer;
    if (!this.nodes.has(n.key)) return; // no longer watched while the ping was out
    this.onCheck?.(n.key, signal ?? 'ok');
    const prev = this.health(n.key);
    const now = this.now();
    let next: NodeHealth;
    if (signal === undefined) {
      next = { health: 'up', failures: 0, lastOkAt: now };
      if (prev.health === 'down') this.recoveries.set(n.key, [...this.recentRecoveries(n.key, now), now]);
    } else {
      const failures = prev.failures + 1;
      const exited = signal === 'exited' || (signal !== 'timeout' && !(await this.provider.status(n.key).catch(() => ({ running: true }))).running);
      const down = exited || failures >= this.downAfter(n.key, signal, now);
      next = {
        ...prev, failures, lastSignal: exited ? 'exited' : signal, health: down ? 'down' : 'suspected',
        ...(down ? { downSince: prev.downSince ?? now } : {}),
      };
      if (!down) delete next.downSince;
    }
    this.judge(n.key, prev, next);
  }

  private judge(key: string, prev: NodeHealth, next: NodeHealth): void {
    this.state.set(key, next);
    if (next.health !== prev.health) {
      this.logger.info({ node: key, health: next.health, signal: next.lastSignal }, `node ${key} is ${next.health}`);
      this.onChange(key, next);
    }
  }

  /** Failed checks in a row that make this node down: more for timeouts of a node that keeps coming back. */
  private downAfter(key: string, signal: string, now: number): number {
    const flapping = signal === 'timeout' && this.recentRecoveries(key, now).length >= this.opts.flapRecoveries;
    return flapping ? this.opts.downAfter * this.opts.flapDampFactor : this.opts.downAfter;
  }

  private recentRecoveries(key: string, now: number): number[] {
    return (this.recoveries.get(key) ?? []).filter((t) => now - t < this.opts.flapWindowMs);
  }

  /** undefined when the node answered PING in time, else the failure signal. */
  private async ping(n: MonitoredNode): Promise<string | undefined> {
    const client = this.admin.client(n.address, n.port);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.ping(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), this.opts.timeoutMs); }),
      ]);
      return undefined;
    } catch (err) {
      const msg = (err as Error).message;
      return msg === 'timeout' ? 'timeout' : /ECONNREFUSED|refused/i.test(msg) ? 'refused' : msg;
    } finally {
      clearTimeout(timer);
    }
  }
}
