/**
 * Endpoints: stable addresses (primary, reader, per node) that clients connect to.
 * The router forwards new connections to the current targets. It must not put the control
 * plane's process in the data path: the nftables router programs kernel NAT; the fallback
 * proxy runs as a separate detached process. Both keep working when the control plane dies.
 */

export interface Target {
  address: string;
  port: number;
}

export interface EndpointRoute {
  /** Stable id, e.g. "my-redis-cluster/primary". */
  id: string;
  address: string;
  port: number;
  /** New connections go to these; several are spread round-robin; none = connections refused. */
  targets: Target[];
  /**
   * Durable writes (parameter cachefleet-durable-writes): a write is acknowledged to the client
   * only once a replica has it (WAIT 1 `timeoutMs` after it; NOREPLICAS when none does in time).
   * Served by the userspace proxy process, which understands RESP; kernel NAT cannot.
   */
  durable?: DurableOptions;
}

export interface DurableOptions {
  /** How long a write waits for a replica's acknowledgement before it is answered NOREPLICAS. */
  timeoutMs: number;
}

export interface EndpointRouter {
  readonly kind: 'nftables' | 'proxy';
  /** Makes the programmed routes exactly `routes` (level-triggered, idempotent, atomic). */
  sync(routes: EndpointRoute[]): Promise<void>;
  /** Closes established connections through `routeId` that go to `target` (used after a failover). */
  dropConnections(routeId: string, target: Target): Promise<void>;
  /** Removes every route and anything the router runs. */
  teardown(): Promise<void>;
  /**
   * Optional: forget what the router believes is programmed, so the next `sync` re-reads the real
   * state (and repairs drift, e.g. someone flushed the nft table). Both routers implement it.
   */
  invalidate?(): void;
}
