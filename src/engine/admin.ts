/**
 * Admin connections to cache nodes: one long-lived ioredis connection per node, tuned so that
 * a dead or unreachable node makes commands fail fast (never queue, never hang, never crash
 * the process) while the connection keeps retrying quietly in the background. Connections are
 * made by connect.ts, the one place that builds them.
 */
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../util/logger.js';
import { settleWithin } from './proc.js';
import { nodeInfoFromFields, parseInfo, type NodeInfo } from './info.js';
import { connectNode, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, type AdminAuth, type AdminConnectionOptions } from './connect.js';

export { parseInfo, parseInfoList, nodeInfoFromFields, type NodeInfo, type ReplicaLink } from './info.js';

export interface AdminPoolOptions {
  logger?: Logger;
  /** TCP connect timeout, also how long a command waits for a (re)connection. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Per-command timeout. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Base reconnect interval; a random 0-100 ms is added so nodes are not hit in lockstep. Default 100 ms. */
  retryIntervalMs?: number;
  /**
   * How to connect to the node at address:port when the caller gives no credentials: the
   * credentials (an ACL user) and, for a node serving TLS, the CA to verify it with. Asked on
   * every `client()` call, so a change (e.g. a node now known to run TLS) replaces the connection.
   */
  connection?: (address: string, port: number) => AdminConnectionOptions;
  /**
   * Local address every admin connection comes from (the service's management address, which
   * security-group filters always admit). Default: whatever the kernel picks.
   */
  localAddress?: string;
}

interface Entry {
  client: Redis;
  /** Credentials and TLS settings the connection was made with. */
  authKey: string;
}

export class AdminPool {
  private readonly clients = new Map<string, Entry>();
  private readonly log: Logger;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly retryIntervalMs: number;
  private readonly connection: ((address: string, port: number) => AdminConnectionOptions) | undefined;
  /** The local address admin connections come from, if one was chosen. */
  readonly localAddress: string | undefined;

  constructor(opts: AdminPoolOptions = {}) {
    this.localAddress = opts.localAddress;
    this.log = opts.logger ?? silentLogger;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.retryIntervalMs = opts.retryIntervalMs ?? 100;
    this.connection = opts.connection;
  }

  /** The credentials and TLS settings the pool uses for a node when the caller gives none. */
  options(address: string, port: number): AdminConnectionOptions {
    return this.connection?.(address, port) ?? {};
  }

  /**
   * The admin connection of a node, created lazily (no socket until first use). Without `auth`,
   * the pool's `connection` resolver says how to connect. Asking again with different
   * credentials or TLS settings replaces the connection (e.g. after an auth token rotation).
   */
  client(address: string, port: number, auth?: AdminAuth): Redis {
    const key = `${address}:${port}`;
    const resolved = auth ? { auth } : this.options(address, port);
    const creds = resolved.auth ?? {};
    const tls = resolved.tls;
    const authKey = `${creds.username ?? ''}\0${creds.password ?? ''}\0${tls ? `tls:${tls.servername ?? ''}:${String(tls.ca).length}` : 'plain'}`;
    const existing = this.clients.get(key);
    if (existing && existing.authKey === authKey) return existing.client;
    if (existing) existing.client.disconnect();

    const client = connectNode(address, port, {
      auth: creds, ...(tls ? { tls } : {}),
      ...(this.localAddress ? { localAddress: this.localAddress } : {}),
      connectTimeoutMs: this.connectTimeoutMs, commandTimeoutMs: this.commandTimeoutMs, retryIntervalMs: this.retryIntervalMs,
      connectionName: 'cachefleet-admin',
    }, (err) => this.log.debug({ node: key, err: err.message }, 'admin connection error'));
    this.clients.set(key, { client, authKey });
    return client;
  }

  /**
   * The admin connection once it is ready. Use this (or whenReady) before sending raw commands:
   * with the offline queue disabled, a command on a not-yet-connected client fails at once.
   */
  async ready(address: string, port: number, auth?: AdminAuth): Promise<Redis> {
    const client = this.client(address, port, auth);
    await whenReady(client);
    return client;
  }

  /** Closes and forgets the connection of a node (e.g. once the node is deleted). */
  release(address: string, port: number): void {
    const key = `${address}:${port}`;
    const entry = this.clients.get(key);
    if (!entry) return;
    this.clients.delete(key);
    entry.client.disconnect();
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()].map((e) => e.client);
    this.clients.clear();
    await Promise.all(all.map((c) => closeClient(c)));
  }
}

async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  // events.once also settles on an 'error' event; either way the client is going away.
  const ended = once(client, 'end').then(
    () => undefined,
    () => undefined,
  );
  client.disconnect();
  // A client between reconnect attempts has no socket left to close, so no 'end' may ever come;
  // disconnect() has cancelled its retry timer, which is all that matters.
  await settleWithin(ended, 250);
}

/**
 * Resolves once the connection is ready, starting it if it is still lazy. Waits at most
 * `timeoutMs` (default: the client's connect timeout), so commands against a node that is just
 * starting succeed, and against a dead node fail within a bounded time.
 */
export function whenReady(client: Redis, timeoutMs = client.options.connectTimeout ?? 1000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  const where = `${client.options.host}:${client.options.port}`;
  if (client.status === 'end') return Promise.reject(new Error(`admin connection to ${where} is closed`));
  if (client.status === 'wait') client.connect().catch(() => undefined); // failures arrive as 'error' events
  return new Promise((resolve, reject) => {
    // The last connection error says why (refused, TLS handshake, WRONGPASS on AUTH, …).
    let lastError: string | undefined;
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      client.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(new Error(`admin connection to ${where} was closed`));
    const onError = (err: Error) => { lastError = err.message; };
    const timer = setTimeout(
      () => done(new Error(`node ${where} not reachable within ${timeoutMs} ms (connection ${client.status}${lastError ? `; ${lastError}` : ''})`)),
      timeoutMs,
    );
    client.on('ready', onReady);
    client.on('end', onEnd);
    client.on('error', onError);
  });
}

/** Role, replication link and memory facts of a node (INFO server + replication + memory + persistence). */
export async function observeNode(client: Redis): Promise<NodeInfo> {
  await whenReady(client);
  // Separate sections rather than one multi-section INFO, which older engines do not support.
  const texts = await Promise.all(['server', 'replication', 'memory', 'persistence'].map((s) => client.info(s)));
  return nodeInfoFromFields(Object.assign({}, ...texts.map((t) => parseInfo(String(t)))));
}

/** Makes the node a replica of `target`, or a primary (REPLICAOF NO ONE) when `target` is null. */
export async function replicaOf(client: Redis, target: { address: string; port: number } | null): Promise<void> {
  await whenReady(client);
  const args = target ? [target.address, String(target.port)] : ['NO', 'ONE'];
  await client.call('REPLICAOF', args);
}

/** Applies all pairs in one CONFIG SET, which Redis 7 applies atomically (all or none). */
export async function configSet(client: Redis, pairs: Record<string, string>): Promise<void> {
  const flat = Object.entries(pairs).flat();
  if (flat.length === 0) return;
  await whenReady(client);
  await client.call('CONFIG', ['SET', ...flat]);
}

/** The live value of one directive (exact name), or undefined when the server does not know it. */
export async function configGet(client: Redis, name: string): Promise<string | undefined> {
  await whenReady(client);
  const reply = (await client.call('CONFIG', ['GET', name])) as unknown[];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    if (String(reply[i]).toLowerCase() === name.toLowerCase()) return String(reply[i + 1]);
  }
  return undefined;
}
