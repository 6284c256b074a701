/**
 * TLS in transit on a node, as ElastiCache's TransitEncryptionMode has it:
 * - `none`: plaintext on the node's port;
 * - `preferred`: plaintext on the node's port and TLS on an internal port; a sniffing listener
 *   (the endpoint proxy) takes clients of either kind on the node's address and port and hands
 *   each to the right one (see reconciler/transit-routes.ts). Replication and the cluster bus stay
 *   plaintext in this migration mode, so that nodes switching one by one always understand each other;
 * - `required`: TLS only, on the node's port; replication and the cluster bus use TLS too.
 * Moving between modes happens live (reconciler/transit.ts), one step at a time: none ↔ preferred ↔ required.
 */
export type TransitMode = 'none' | 'preferred' | 'required';

/** The mode a cluster or group's settings ask for. */
export function transitModeOf(s: { transitEncryptionEnabled: boolean; transitEncryptionMode?: 'preferred' | 'required' }): TransitMode {
  return s.transitEncryptionEnabled ? (s.transitEncryptionMode ?? 'required') : 'none';
}

/**
 * A port derived from the node's port, on the node's own address (nothing else binds there):
 * `offset` above it, or below when that would not fit.
 */
function derivedPort(port: number, offset: number): number {
  return port + offset <= 65535 ? port + offset : port - offset;
}

/** Where a node in `preferred` mode serves TLS (its `tls-port`). */
export function internalTlsPort(port: number): number {
  return derivedPort(port, 20_000);
}

/** Where the sniffing listener of a node in `preferred` mode takes its clients (behind the node's address:port). */
export function sniffPort(port: number): number {
  return derivedPort(port, 30_000);
}

/** The mode a node's live `port` and `tls-port` show. */
export function liveTransitMode(port: number, tlsPort: number): TransitMode {
  if (!tlsPort) return 'none';
  return port ? 'preferred' : 'required';
}
