/**
 * A raw socket to a node, for the one conversation ioredis cannot hold: a replication link
 * (`SYNC` answers with an RDB stream, not a reply; the point-in-time archiver's `PSYNC` with an RDB
 * and then the command stream). It reaches the node the way every other
 * connection of the service does (engine/connect.ts): from the management address when one is
 * given, over TLS verified against the node's CA when the node serves TLS.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { NodeTarget } from '../types.js';

/** Opens the socket (connecting in the background: writes are queued until it is up). */
export function openRawConnection(node: NodeTarget, localAddress?: string): net.Socket {
  const base = { host: node.address, port: node.port, ...(localAddress ? { localAddress } : {}) };
  if (!node.tls) return net.connect(base);
  return tls.connect({
    ...base,
    ca: node.tls.ca,
    ...(node.tls.servername ? { servername: node.tls.servername } : {}),
  });
}

/** A command in RESP (an array of bulk strings), safe for any bytes in a password or key. */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** `AUTH` for the node's admin credentials, or nothing for a node without them. */
export function authCommand(node: NodeTarget): Buffer | undefined {
  const a = node.auth;
  if (a?.password === undefined) return undefined;
  return encodeCommand(a.username !== undefined ? ['AUTH', a.username, a.password] : ['AUTH', a.password]);
}
