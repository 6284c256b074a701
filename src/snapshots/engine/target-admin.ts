/**
 * A restore's admin connection to one of its target nodes: the node's credentials and TLS, from
 * the service's management address when it has one, and a long command timeout (a FLUSHALL of a
 * large data set, INFO of a node that is loading). Lazy: no socket until `connect()` or first use.
 * And what restores read of a target through it.
 */
import type { Redis } from 'ioredis';
import { connectNode } from '../../engine/connect.js';
import { parseInfo, parseInfoList } from '../../engine/info.js';
import type { NodeTarget } from '../types.js';

export function targetAdmin(node: NodeTarget, localAddress?: string): Redis {
  return connectNode(node.address, node.port, {
    ...(node.auth ? { auth: node.auth } : {}),
    ...(node.tls ? { tls: node.tls } : {}),
    ...(localAddress ? { localAddress } : {}),
    commandTimeoutMs: 60_000,
    connectTimeoutMs: 5000,
  });
}

/** One `INFO` section, parsed. */
export async function infoSection(c: Redis, section: string): Promise<Record<string, string>> {
  return parseInfo(String(await c.info(section)));
}

/** Keys in every database (`INFO keyspace`). */
export async function keyCount(c: Redis): Promise<number> {
  let n = 0;
  for (const [name, value] of Object.entries(await infoSection(c, 'keyspace'))) {
    if (/^db\d+$/.test(name)) n += Number(parseInfoList(value)['keys'] ?? 0);
  }
  return n;
}

/** Bytes as a message shows them: `12.5 MiB`. */
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
