/**
 * The contract between the control plane and a serverless cache's endpoint engine (issue 14).
 *
 * The control plane writes `<cache state dir>/proxy.json` (atomically, write-then-rename) and
 * starts the engine, detached, as `node dist/src/serverless/proxy/main.js <path of proxy.json>`.
 * The engine runs `workers` processes sharing the listening ports (SO_REUSEPORT), follows the file
 * as the endpoint proxy follows routes.json (fs.watch plus a periodic re-read), reports in
 * `proxy-status.json` beside it, and exits by itself when proxy.json disappears, so a dead control
 * plane never leaves it running forever and a live one can be killed without dropping a client.
 *
 * Files beside proxy.json, all written by the engine:
 *   proxy.pid              the supervisor's pid
 *   proxy-status.json      ServerlessProxyStatus
 *   usage-<worker>.json    ServerlessUsage, rewritten about once a second by each worker
 *   proxy.log              stdout/stderr, one JSON object a line
 *
 * And one more written by the control plane, followed as proxy.json is but no part of its generation:
 *   compute.json           ServerlessComputeCharge, rewritten each usage sample
 */

export interface ServerlessProxyConfig {
  version: 1;
  /** Changes whenever anything below changes; echoed in the status once applied. */
  generation: string;
  cacheName: string;
  /** The cache's endpoint: `port` (6379) reaches primaries, `readerPort` (6380) prefers replicas. */
  listen: { host: string; port: number; readerPort: number };
  /** TLS only, as on ElastiCache: the server certificate the service's CA issued for the endpoint. */
  tls: { certFile: string; keyFile: string };
  /** Source CIDRs the cache's security groups admit; absent = everyone. */
  allow?: string[];
  /**
   * Nodes of the backing Redis Cluster. The engine learns the slot map from them
   * (CLUSTER SHARDS / SLOTS) and refreshes it on MOVED/ASK and periodically.
   */
  seeds: { host: string; port: number }[];
  /** How the engine reaches backend nodes (loopback). */
  backend: {
    tls: boolean;
    /** CA file to verify backend nodes when tls is true. */
    caFile?: string;
    /** The service's own login on the nodes, for topology queries only (never for client traffic). */
    admin: { user: string; passwordFile: string };
    /**
     * The address every backend connection is made from: the service's management address, as
     * the control plane's own connections (a source the nodes can tell from customers').
     */
    sourceAddress?: string;
  };
  /**
   * Client authentication. 'default': no user group attached; clients are the default user
   * and need no AUTH, and their traffic runs on backend connections logged in as `defaultLogin`
   * (a customer-restricted ACL user the control plane creates). 'user-group': clients must
   * AUTH/HELLO as one of the group's users; the engine checks the password against the backend
   * (AUTH on a backend connection) and runs that client's traffic on pooled backend connections
   * logged in as the same user, so Redis's own ACLs judge every command.
   */
  auth:
    | { mode: 'default'; defaultLogin: { user: string; passwordFile: string } }
    | { mode: 'user-group' };
  workers: number;
  limits: {
    /** ElastiCache Serverless refuses commands with more arguments (3,999). */
    maxArguments: number;
    /** CacheUsageLimits.ECPUPerSecond.Maximum; absent = no throttling. */
    ecpuPerSecondMax?: number;
  };
}

/**
 * The CPU part of the cache's ECPUs (reconciler/serverless/compute-ecpu.ts), as of the control
 * plane's last usage sample: the ECPUs a second of that period, which the workers charge to their
 * throttling buckets (split among them) from `at` until `at` + `forMs`, or until the next sample.
 */
export interface ServerlessComputeCharge {
  at: string;
  ecpuPerSecond: number;
  forMs: number;
}

export interface ServerlessProxyStatus {
  pid: number;
  generation: string;
  /** pids of the live workers. */
  workers: number[];
  /** "host:port" of every listener up. */
  listening: string[];
  errors: string[];
}

/** Counters since the worker started; the control plane sums the workers' deltas. */
export interface ServerlessUsage {
  worker: number;
  pid: number;
  startedAt: string;
  writtenAt: string;
  /** ECPUs as AWS defines them: 1 per KB transferred (in + out) for simple commands, at least 1. */
  ecpu: number;
  commands: number;
  readCommands: number;
  writeCommands: number;
  throttledCommands: number;
  currConnections: number;
  newConnections: number;
  /** Sums of microseconds from a command's arrival to its reply's first byte, and counts. */
  readLatencyMicrosSum: number;
  writeLatencyMicrosSum: number;
  bytesIn: number;
  bytesOut: number;
}
