/** Messages between the supervisor (main.ts) and its workers (worker.ts), over the fork IPC channel. */
import type { ServerlessProxyConfig } from './config.js';

export type ToWorker = { type: 'config'; config: ServerlessProxyConfig } | { type: 'stop' };

export type ToSupervisor =
  | { type: 'ready' }
  | { type: 'applied'; generation: string; listening: string[]; errors: string[] };
