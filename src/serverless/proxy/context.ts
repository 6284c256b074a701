/** What every client session of a worker shares: the applied configuration and the machinery. */
import type { Login } from './backend.js';
import type { EcpuBucket, Counters } from './metering.js';
import type { Router } from './router.js';
import type { Topology } from './topology.js';
import type { Tuning } from './tuning.js';
import type { Endpoint } from './virtual-cluster.js';

export interface WorkerContext {
  endpoint: Endpoint;
  /** 'default' auth: the login client traffic runs on; undefined = clients must AUTH ('user-group'). */
  defaultLogin: Login | undefined;
  maxArguments: number;
  router: Router;
  topology: Topology;
  counters: Counters;
  /** Present when the cache has an ECPUPerSecond maximum. */
  bucket: EcpuBucket | undefined;
  tuning: Tuning;
  /** Redis version reported by HELLO. */
  version: string;
  nextClientId(): number;
  log(level: string, msg: string, extra?: Record<string, unknown>): void;
}
