/**
 * Sniffing routes (TLS-in-transit "preferred" mode, see EndpointRoute.tlsTargets): the proxy
 * process reads a client's first bytes to tell TLS from plaintext, then connects upstream to the
 * first target of the chosen list that accepts. No TLS is terminated: bytes pass through as sent.
 */
import net from 'node:net';
import type { EndpointRoute, Target } from './types.js';

/** TLS record content type 22: handshake. A TLS client's first record is its ClientHello. */
const TLS_HANDSHAKE = 0x16;

/**
 * Whether a client's first chunk starts a TLS handshake. A Redis client never starts that way:
 * RESP requests begin with '*' and inline commands with a command name (printable ASCII).
 */
export function isTlsClientHello(firstChunk: Uint8Array): boolean {
  return firstChunk.length > 0 && firstChunk[0] === TLS_HANDSHAKE;
}

export interface ConnectInOrderOptions {
  /** Local address of the upstream socket (EndpointRoute.sourceAddress). */
  localAddress?: string;
  /** A target that neither accepts nor refuses in this long is skipped. Default 3000 ms. */
  timeoutMs?: number;
  /** Aborts the attempt (the client went away): the pending socket is destroyed, the result undefined. */
  signal?: AbortSignal;
}

export interface Connected {
  socket: net.Socket;
  target: Target;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/**
 * Connects to `targets` one after another and returns the first established connection (with
 * the target it went to), or undefined when none accepts or the attempt is aborted. Only failures
 * before the connection is established move on to the next target; the caller owns the socket
 * (and its 'error' events) from then on.
 */
export async function connectInOrder(targets: readonly Target[], opts: ConnectInOrderOptions = {}): Promise<Connected | undefined> {
  for (const target of targets) {
    if (opts.signal?.aborted) return undefined;
    const socket = await connectOne(target, opts);
    if (socket) return { socket, target };
  }
  return undefined;
}

function connectOne(target: Target, opts: ConnectInOrderOptions): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({
      host: target.address, port: target.port, noDelay: true,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    });
    const settle = (ok: boolean): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', fail);
      socket.off('error', fail);
      socket.off('connect', connected);
      if (!ok) socket.destroy();
      resolve(ok ? socket : undefined);
    };
    const fail = (): void => settle(false);
    const connected = (): void => settle(true);
    const timer = setTimeout(fail, opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    opts.signal?.addEventListener('abort', fail, { once: true });
    socket.once('error', fail);
    socket.once('connect', connected);
  });
}

/**
 * Serves one client of a sniffing route up to the choice of its upstream: waits for the client's
 * first chunk, picks `tlsTargets` for a ClientHello and `targets` otherwise, and connects to the
 * first of them that accepts. `relay` then gets the upstream connection and the first chunk (to be
 * written upstream before anything else; the client is paused until then). A client that leaves
 * meanwhile aborts the attempt; one that no target accepts is reset, as a refused connect would be.
 */
export function sniffClient(
  client: net.Socket,
  route: Pick<EndpointRoute, 'targets' | 'tlsTargets' | 'sourceAddress'>,
  relay: (up: Connected, first: Buffer) => void,
  opts: { timeoutMs?: number } = {},
): void {
  const aborter = new AbortController();
  const gone = (): void => aborter.abort();
  client.on('error', gone);
  client.on('close', gone);
  client.once('data', (first: Buffer) => {
    client.pause(); // the rest waits in the socket's buffer until relay pipes it
    const targets = isTlsClientHello(first) ? route.tlsTargets ?? [] : route.targets;
    void connectInOrder(targets, {
      signal: aborter.signal,
      ...(route.sourceAddress ? { localAddress: route.sourceAddress } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    }).then((up) => {
      client.off('error', gone);
      client.off('close', gone);
      if (up && !client.destroyed) return relay(up, first);
      up?.socket.destroy();
      if (!client.destroyed) client.resetAndDestroy();
    });
  });
}
