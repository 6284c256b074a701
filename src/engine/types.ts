import type { Readable } from 'node:stream';

/**
 * The node provider: how cache nodes become running `redis-server` processes.
 * The embedded provider runs local processes; the interface is what a Kubernetes provider
 * (a StatefulSet/Pod per node) would implement instead.
 */

export interface NodeSpec {
  /** Unique, filesystem-safe key of the node, e.g. "my-redis-cluster-001-0001". */
  key: string;
  /** Path of the redis-server binary serving the requested engine version. */
  binary: string;
  /** The node's own endpoint; redis-server binds to exactly this address and port. */
  address: string;
  port: number;
  /**
   * Redis config directives derived from node type and parameter group (maxmemory,
   * maxmemory-policy, …). The provider adds the managed ones itself: bind, port, dir,
   * pidfile, logfile, daemonize. A directive given more than once is an array.
   */
  config: Record<string, string | string[]>;
  /**
   * TLS in transit (see transit.ts), mode `required` unless said otherwise: the node serves TLS
   * only (`tls-port` on the node's port, plaintext `port 0`), replicates and talks on the cluster
   * bus over TLS; `preferred`: plaintext on its port, TLS on an internal one. Clients are never
   * asked for certificates. Absolute paths of its certificate, key and the CA certificate.
   */
  tls?: { certFile: string; keyFile: string; caFile: string; mode?: 'preferred' | 'required' };
  /**
   * Cluster mode: the node is not its shard's primary. Whenever the provider starts its process
   * (it was not running), the node starts without the hash slots its cluster state file says it
   * serves, so that a primary that died and was replaced never takes a slot back from the replica
   * promoted in its place (see cluster-config-file.ts). A replica claims none anyway.
   */
  dropSlotClaims?: boolean;
}

export interface NodeProcessStatus {
  running: boolean;
  pid?: number;
  /**
   * Optional: why the node's last process ended, when it is not running (bad config, crash,
   * stop). Lets the reconciler report the cause instead of retrying blindly.
   */
  lastExit?: NodeExit;
}

export interface NodeExit {
  /** Exit code / signal; both null when the exit was not observed (e.g. the control plane was down). */
  code: number | null;
  signal: string | null;
  /** The last lines of the node's log written by that process. */
  logTail: string;
}

export interface NodeProvider {
  /**
   * Starts the node unless it already runs (idempotent, also after a control-plane restart:
   * a running process found through its pidfile is adopted, not restarted).
   * Resolves once the process has been spawned; readiness is observed by the admin client.
   */
  ensureRunning(spec: NodeSpec): Promise<NodeProcessStatus>;
  /** Stops the process (SIGTERM, then SIGKILL after the timeout) and starts it again with `spec`. */
  restart(spec: NodeSpec): Promise<NodeProcessStatus>;
  /**
   * Optional: restarts the node with `data` (a plain RDB stream) as its data set, loaded once as
   * it starts in place of the RDB file it would load. Its cluster state file is kept, so a
   * cluster-mode node keeps its identity and slots. Resolves once the node has read all of `data`
   * (it may still be loading); rejects when it did not, after starting the node again on `spec`
   * alone (empty): a node never serves part of the data. Not for a node loading an append-only
   * file at start (`appendonly yes`). The local provider feeds a FIFO; a Kubernetes one could
   * stream into the pod the same way.
   */
  restartOnData?(spec: NodeSpec, data: Readable, opts?: { signal?: AbortSignal }): Promise<NodeProcessStatus & { bytes: number }>;
  status(key: string): Promise<NodeProcessStatus>;
  stop(key: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** Stops the node and deletes its data directory. */
  remove(key: string): Promise<void>;
  /** Keys of every node this provider has state for (running or not). */
  list(): Promise<string[]>;
  /**
   * Optional, cheap (no I/O to files or the node): is the node's last known process still there?
   * false once it is gone; undefined when the provider knows no process of the node (then only a
   * ping or `status` can tell). The health monitor asks it for every node on its fast tick.
   */
  isAlive?(key: string): boolean | undefined;
  /**
   * Optional: `listener` is called as soon as a process this provider started ends (the local
   * provider hears its child's exit). Returns the unsubscribe function.
   */
  onExit?(listener: (key: string) => void): () => void;
}
