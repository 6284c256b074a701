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
  /**
   * New connections go to these; several are spread round-robin; none = connections refused.
   * On a sniffing route (one with {@link tlsTargets}) they serve the plaintext clients and are
   * tried in order instead: the first that accepts the connection gets it.
   */
  targets: Target[];
  /**
   * TLS-in-transit "preferred" mode (clients may use TLS or plaintext on one address:port): makes
   * this a sniffing route, served by the proxy process. It reads each client's first bytes (Redis
   * clients speak first): a TLS handshake record (a ClientHello, first byte 0x16) sends the
   * connection to these targets, anything else to {@link targets}. Both lists are tried in order
   * (the next when one refuses or does not answer; the client is reset when none accepts) rather
   * than round-robin. Bytes pass through unchanged: TLS ends at redis-server, not here.
   * Present, even empty, makes the route a sniffing one (empty = TLS clients are reset); the
   * route is listened on when either list is non-empty. Not with {@link durable}.
   */
  tlsTargets?: Target[];
  /**
   * Kernel NAT only: sources (IPv4 addresses or CIDRs) whose connections are not translated and
   * reach `address:port` itself. For a node's own address in TLS "preferred" mode: redis-server
   * listens on node:6379, clients are sent to a sniffing listener, while the control plane's
   * management address and the group's own nodes (replication) reach redis-server directly.
   * Empty = no exemption. Not with {@link durable} or {@link tlsTargets}; the proxy router alone
   * cannot serve such a route (the address is redis-server's) and skips it with a warning.
   * A proxied route this one sends clients to, and which connects back to `address:port`, must
   * have its {@link sourceAddress} exempt, or its connections would loop (normalizeRoutes checks).
   */
  exceptSources?: string[];
  /**
   * Durable writes (parameter cachefleet-durable-writes): a write is acknowledged to the client
   * only once a replica has it (WAIT 1 `timeoutMs` after it; NOREPLICAS when none does in time).
   * Served by the userspace proxy process, which understands RESP; kernel NAT cannot.
   */
  durable?: DurableOptions;
  /**
   * Security groups: the sources (IPv4 CIDRs) admitted; undefined = everyone. Enforced for routes
   * the proxy process serves (it checks each client's address); kernel NAT routes are covered by
   * the {@link SourceFilter}s of the nodes they forward to.
   */
  allow?: string[];
  /** Address the proxy process binds its upstream connections to (the control plane's management address). */
  sourceAddress?: string;
}

/**
 * Security groups at an address: new TCP connections to `address:port` from a source outside
 * `allow` are refused (a reset, as a closed port). Programmed in the kernel (nftables, input hook,
 * so it holds for connections that arrive through an endpoint's NAT and for direct ones alike).
 */
export interface SourceFilter {
  /** Stable id, e.g. "my-redis-cluster-001/0001" or "my-redis-cluster/primary". */
  id: string;
  address: string;
  port: number;
  /** IPv4 CIDRs or single addresses admitted; empty = nobody. */
  allow: string[];
}

export interface DurableOptions {
  /** How long a write waits for a replica's acknowledgement before it is answered NOREPLICAS. */
  timeoutMs: number;
}

export interface EndpointRouter {
  readonly kind: 'nftables' | 'proxy';
  /**
   * Makes the programmed routes exactly `routes`, and the source filters exactly `filters`
   * (level-triggered, idempotent, atomic). A router that cannot filter in the kernel ignores
   * `filters` and says so through {@link filtersEnforced}.
   */
  sync(routes: EndpointRoute[], filters?: SourceFilter[]): Promise<void>;
  /** Whether `filters` passed to sync are enforced (false for the userspace proxy alone). */
  readonly filtersEnforced: boolean;
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
