/**
 * The engine's timings and sizes (STYLE 7: every timing configurable). proxy.json is the control
 * plane's contract and does not carry them; tests shorten them through the environment variable
 * CACHEFLEET_SERVERLESS_PROXY_TUNING (JSON, any subset), which workers inherit.
 */
export interface Tuning {
  /** Pooled backend connections per node, login, protocol and role, per worker. */
  poolSize: number;
  connectTimeoutMs: number;
  /** A pooled backend connection whose oldest command has had no reply this long is given up (a frozen node); 0: never. */
  replyTimeoutMs: number;
  /** How long a command may wait through redirections, failovers and reconnects before its error. */
  retryDeadlineMs: number;
  retryDelayMs: number;
  /** Periodic slot map refresh. */
  topologyRefreshMs: number;
  /** Least time between two refreshes (MOVED storms ask for many). */
  topologyMinIntervalMs: number;
  topologyQueryTimeoutMs: number;
  /** proxy.json re-read (besides fs.watch). */
  configRescanMs: number;
  usageWriteMs: number;
  /** A throttled command waits at most this long for ECPUs, then is refused. */
  throttleMaxDelayMs: number;
  /** Supervisor: least time between two restarts of one worker. */
  restartDelayMs: number;
  /** Clients the cache admits, shared by its workers (ElastiCache Serverless: maxclients 65,000). */
  maxClients: number;
}

export const DEFAULT_TUNING: Tuning = {
  poolSize: 2,
  connectTimeoutMs: 2000,
  replyTimeoutMs: 5000,
  retryDeadlineMs: 20_000,
  retryDelayMs: 50,
  topologyRefreshMs: 5000,
  topologyMinIntervalMs: 50,
  topologyQueryTimeoutMs: 1000,
  configRescanMs: 1000,
  usageWriteMs: 1000,
  throttleMaxDelayMs: 500,
  restartDelayMs: 200,
  maxClients: 65_000,
};

export const TUNING_ENV = 'CACHEFLEET_SERVERLESS_PROXY_TUNING';

export function tuningFromEnv(env: NodeJS.ProcessEnv = process.env): Tuning {
  const raw = env[TUNING_ENV];
  if (!raw) return DEFAULT_TUNING;
  const given = JSON.parse(raw) as Partial<Tuning>;
  const out = { ...DEFAULT_TUNING };
  for (const k of Object.keys(DEFAULT_TUNING) as (keyof Tuning)[]) {
    const v = given[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}
