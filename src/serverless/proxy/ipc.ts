/** Messages between the supervisor (main.ts) and its workers (worker.ts), over the fork IPC channel. */
import type { ServerlessComputeCharge, ServerlessProxyConfig } from './config.js';

export type ToWorker =
  | { type: 'config'; config: ServerlessProxyConfig }
  /** The control plane's last compute.json: the CPU part of ECPUs, charged to the throttling buckets. */
  | { type: 'compute'; charge: ServerlessComputeCharge }
  | { type: 'stop' };

export type ToSupervisor =
  | { type: 'ready' }
  | { type: 'applied'; generation: string; listening: string[]; errors: string[] };
