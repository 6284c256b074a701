import { configGet, observeNode, type AdminPool, type NodeInfo } from '../engine/admin.js';
import type { CacheClusterRecord } from '../store/index.js';

/**
 * What the failover machine reads from and does to a member's node, the same in both replication
 * modes (the mode-specific commands are ShardOps'). Injected so the machine runs on fakes in unit
 * tests; `adminNodeControl` is the real one, over admin connections.
 */
export interface NodeControl {
  /** Role, replication link and offset of the member's node (INFO). */
  observe(c: CacheClusterRecord): Promise<NodeInfo>;
  /** Redis `replica-priority` (100 when the server does not say): lower wins, 0 never promoted. */
  priority(c: CacheClusterRecord): Promise<number>;
  /** CLIENT PAUSE <ms> WRITE: holds clients' writes, so a replica can catch up with all of them. */
  pauseWrites(c: CacheClusterRecord, ms: number): Promise<void>;
  /** CLIENT UNPAUSE. */
  unpause(c: CacheClusterRecord): Promise<void>;
  /** CLIENT KILL TYPE normal: clients reconnect (through the endpoint, to the new primary). */
  dropClients(c: CacheClusterRecord): Promise<void>;
}

export function adminNodeControl(admin: AdminPool): NodeControl {
  const client = (c: CacheClusterRecord) => admin.client(c.nodes[0]!.address, c.nodes[0]!.port);
  return {
    observe: (c) => observeNode(client(c)),
    priority: async (c) => Number((await configGet(client(c), 'replica-priority')) ?? '100'),
    pauseWrites: async (c, ms) => { await client(c).call('CLIENT', 'PAUSE', String(ms), 'WRITE'); },
    unpause: async (c) => { await client(c).call('CLIENT', 'UNPAUSE'); },
    dropClients: async (c) => { await client(c).call('CLIENT', 'KILL', 'TYPE', 'normal'); },
  };
}
