/**
 * The one way to connect to a cache node: the only place that turns an address and how to reach
 * it (credentials, TLS, the local address to connect from, timeouts) into an ioredis connection.
 * The admin pool's long-lived connections, the security step's bootstrap and the CLI's probes all
 * come through here, so every connection the service makes to a node fails fast the same way:
 * - no offline queue and no retried commands: a command on a connection that is not up fails at
 *   once instead of waiting for one;
 * - bounded connect and command timeouts: a node that hangs costs a known time, never a stuck caller;
 * - no ready check: admin commands (INFO, CONFIG, REPLICAOF, ACL) also work while a node loads
 *   its data set, and INFO on a loading node would otherwise hold `connect()` for as long;
 * - RESP2 and no CLIENT SETINFO: no HELLO round trip, and SETINFO does not exist before Redis 7.2;
 * - reconnects only for long-lived connections (`retryIntervalMs`); a one-shot never retries.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { boundConnector } from './bound-connector.js';

/** Credentials for nodes with an AUTH token / ACL user. */
export interface AdminAuth {
  username?: string;
  password?: string;
}

/** TLS: the CA (PEM) the node's certificate chains to, and optionally the name to verify instead of the address. */
export interface NodeTls {
  ca: string | Buffer;
  servername?: string;
}

/** How a connection reaches one node: as whom, and whether over TLS. */
export interface AdminConnectionOptions {
  auth?: AdminAuth;
  tls?: NodeTls;
}

export interface NodeConnectOptions extends AdminConnectionOptions {
  /**
   * Local address the connection comes from (the service's management address, which every
   * security-group filter admits). Default: whatever the kernel picks.
   */
  localAddress?: string;
  /** TCP (and TLS) connect timeout. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Per-command timeout. Default 1000 ms. */
  commandTimeoutMs?: number;
  /**
   * Long-lived connections: reconnect after this base interval plus a random 0-100 ms, so that
   * nodes are not hit in lockstep. Absent: a one-shot connection, which never reconnects.
   */
  retryIntervalMs?: number;
  /** CLIENT SETNAME on connect (shows in CLIENT LIST). Default: none. */
  connectionName?: string;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** One connector class per local address (ioredis builds a connector per connection from it). */
const connectors = new Map<string, NonNullable<RedisOptions['Connector']>>();

function connectorFrom(localAddress: string): NonNullable<RedisOptions['Connector']> {
  let c = connectors.get(localAddress);
  if (!c) connectors.set(localAddress, (c = boundConnector(localAddress)));
  return c;
}

/** The ioredis options of a connection to `address:port` (pure but for the connector class; lazy: no socket yet). */
export function nodeConnectionOptions(address: string, port: number, o: NodeConnectOptions = {}): RedisOptions {
  const { auth, tls, localAddress, retryIntervalMs } = o;
  return {
    host: address,
    port,
    ...(auth?.username !== undefined ? { username: auth.username } : {}),
    ...(auth?.password !== undefined ? { password: auth.password } : {}),
    ...(tls ? { tls: { ca: tls.ca, ...(tls.servername ? { servername: tls.servername } : {}) } } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    connectTimeout: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    retryStrategy: retryIntervalMs === undefined ? () => null : () => retryIntervalMs + Math.floor(Math.random() * 100),
    protocol: 2,
    disableClientInfo: true,
    ...(o.connectionName ? { connectionName: o.connectionName } : {}),
    ...(localAddress ? { Connector: connectorFrom(localAddress) } : {}),
  };
}

/**
 * A lazy connection to a node (no socket until first use or `connect()`). Its errors go to
 * `onError` (default: dropped), never to an unhandled 'error' event that would end the process.
 */
export function connectNode(address: string, port: number, o: NodeConnectOptions = {},
  onError: (err: Error) => void = () => undefined): Redis {
  const client = new Redis(nodeConnectionOptions(address, port, o));
  client.on('error', onError);
  return client;
}

/**
 * A one-shot connection: connects (rejecting with the reason when the node cannot be reached or
 * refuses the credentials), runs `use`, and always disconnects. Never reconnects, whatever `o` says.
 */
export async function withNodeConnection<T>(address: string, port: number, o: NodeConnectOptions,
  use: (client: Redis) => Promise<T>): Promise<T> {
  const { retryIntervalMs: _longLived, ...oneShot } = o;
  // ioredis rejects connect() with "Connection is closed."; the error event before says why.
  let cause: Error | undefined;
  const client = connectNode(address, port, oneShot, (err) => { cause = err; });
  try {
    await client.connect().catch((err: unknown) => { throw cause ?? err; });
    return await use(client);
  } finally {
    client.disconnect();
  }
}
