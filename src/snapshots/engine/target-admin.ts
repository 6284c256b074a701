/**
 * A restore's admin connection to one of its target nodes: the node's credentials and TLS, from
 * the service's management address when it has one, and a long command timeout (a FLUSHALL of a
 * large data set, INFO of a node that is loading). Lazy: no socket until `connect()` or first use.
 */
import type { Redis } from 'ioredis';
import { connectNode } from '../../engine/connect.js';
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
